package report_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

var twoConds = []string{"baseline", "ensemble_3"}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		// setup writes runs under dir and may damage them; it returns the
		// file the error must name ("" for none) and the line (0 for none).
		setup    func(t *testing.T, dir string) (path string, line int)
		kind     error
		contains []string
	}{
		{
			name: "truncated line",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				p, _ := coevo.RunPaths(dir, "ensemble_3", 1)
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(string(b), "\n")
				// Keep line 1 and half of line 2: a write cut short.
				cut := lines[0] + lines[1][:len(lines[1])/2]
				if err := os.WriteFile(p, []byte(cut), 0o644); err != nil {
					t.Fatal(err)
				}
				return p, 2
			},
			kind:     report.ErrCorrupt,
			contains: []string{"truncated line"},
		},
		{
			name: "garbage line",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				p, _ := coevo.RunPaths(dir, "baseline", 0)
				rewriteLine(t, p, 3, func(string) string { return "{not json" })
				return p, 3
			},
			kind: report.ErrCorrupt,
		},
		{
			// A decoder reading one value per line would keep the record
			// and drop the rest.
			name: "text after the record",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				p, _ := coevo.RunPaths(dir, "ensemble_3", 0)
				rewriteLine(t, p, 2, func(l string) string { return l + " garbage" })
				return p, 2
			},
			kind:     report.ErrCorrupt,
			contains: []string{"unexpected data after the record", `"garbage"`},
		},
		{
			name: "two records on one line",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				p, _ := coevo.RunPaths(dir, "baseline", 0)
				rewriteLine(t, p, 1, func(l string) string { return l + l })
				return p, 1
			},
			kind:     report.ErrCorrupt,
			contains: []string{"unexpected data after the record"},
		},
		{
			name: "records without manifest",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				rec, man := coevo.RunPaths(dir, "baseline", 1)
				mustRemove(t, man)
				return rec, 0
			},
			kind:     report.ErrIncomplete,
			contains: []string{"no manifest", "did not finish"},
		},
		{
			name: "manifest without records",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				rec, man := coevo.RunPaths(dir, "baseline", 1)
				mustRemove(t, rec)
				return man, 0
			},
			kind:     report.ErrCorrupt,
			contains: []string{"manifest without records"},
		},
		{
			name: "record of another seed",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				r := synth("baseline", 1, []float64{0.2, 0.5, 0.4}, nil)
				r.Records[1].Seed = 0
				write(t, dir, r)
				p, _ := coevo.RunPaths(dir, "baseline", 1)
				return p, 2
			},
			kind:     report.ErrCorrupt,
			contains: []string{"record names seed 0, expected 1"},
		},
		{
			name: "manifest in the wrong folder",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				_, man := coevo.RunPaths(dir, "baseline", 0)
				_, other := coevo.RunPaths(dir, "ensemble_3", 0)
				b, _ := os.ReadFile(man)
				os.WriteFile(other, b, 0o644)
				return other, 0
			},
			kind:     report.ErrCorrupt,
			contains: []string{`manifest is for condition "baseline" seed 0`},
		},
		{
			name: "iteration gap",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				r := synth("ensemble_3", 1, []float64{0.2, 0.5, 0.4, 0.3}, nil)
				r.Records = slices.Delete(r.Records, 2, 3) // iterations 0, 1, 3
				write(t, dir, r)
				p, _ := coevo.RunPaths(dir, "ensemble_3", 1)
				return p, 3
			},
			kind:     report.ErrCorrupt,
			contains: []string{"iteration 3 where 2 was expected"},
		},
		{
			name: "fewer iterations than configured",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				r := synth("ensemble_3", 1, []float64{0.2, 0.5, 0.4}, nil)
				r.Records = r.Records[:2]
				write(t, dir, r)
				p, _ := coevo.RunPaths(dir, "ensemble_3", 1)
				return p, 0
			},
			kind:     report.ErrIncomplete,
			contains: []string{"iterations 0..1 of 0..2"},
		},
		{
			name: "more iterations than configured",
			setup: func(t *testing.T, dir string) (string, int) {
				r := synth("baseline", 0, []float64{0.2, 0.5, 0.4, 0.3}, nil)
				r.Manifest.Config.Train.Iterations = 2
				write(t, dir, r)
				p, _ := coevo.RunPaths(dir, "baseline", 0)
				return p, 0
			},
			kind: report.ErrCorrupt,
		},
		{
			name: "missing seed",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat([]string{"baseline"}, 0, 1, 2, 3, 4)...)
				write(t, dir, flat([]string{"asymmetric_10"}, 0, 1, 2, 3)...)
				return "", 0
			},
			kind:     report.ErrMissingSeed,
			contains: []string{"asymmetric_10 lacks seed 4 (present in baseline)"},
		},
		{
			name: "different configs under one name",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0, 1)...)
				r := synth("baseline", 2, []float64{0.2, 0.5, 0.4}, nil)
				r.Manifest.Config.Train.LearningRate = 1e-3
				write(t, dir, r)
				write(t, dir, flat([]string{"ensemble_3"}, 2)...)
				p, _ := coevo.RunPaths(dir, "baseline", 2)
				return p, 0
			},
			kind:     report.ErrMixedConfig,
			contains: []string{"config.train.learning_rate 0.0003 vs 0.001", "refusing to mix"},
		},
		{
			name: "different knobs under one name",
			setup: func(t *testing.T, dir string) (string, int) {
				write(t, dir, flat(twoConds, 0)...)
				r := synth("ensemble_3", 1, []float64{0.2, 0.5, 0.4}, nil)
				r.Manifest.Knobs.NJudges = 5
				write(t, dir, r)
				write(t, dir, flat([]string{"baseline"}, 1)...)
				p, _ := coevo.RunPaths(dir, "ensemble_3", 1)
				return p, 0
			},
			kind:     report.ErrMixedConfig,
			contains: []string{"knobs.n_judges 3 vs 5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, line := tt.setup(t, dir)
			_, err := report.Load(dir)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			t.Log(err)
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q is not %v", err, tt.kind)
			}
			var le *report.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %q is not a *LoadError", err)
			}
			if le.Path != path || le.Line != line {
				t.Errorf("error at %s:%d, want %s:%d", le.Path, le.Line, path, line)
			}
			if path != "" && !strings.HasPrefix(err.Error(), path) {
				t.Errorf("error %q does not start with the file name %s", err, path)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestLoadNoRuns(t *testing.T) {
	if _, err := report.Load(); err == nil {
		t.Error("Load() with no folder succeeded")
	}
	if _, err := report.Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no runs in") {
		t.Errorf("Load(empty folder) = %v, want a 'no runs in' error", err)
	}
	if _, err := report.Load(filepath.Join(t.TempDir(), "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(absent folder) = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadMultiFolder(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, flat(twoConds, 0, 1)...)
	// b repeats seed 1 (the same run, finished at another time on another
	// machine) and adds seed 2.
	again := flat(twoConds, 1, 2)
	for i := range again {
		again[i].Manifest.WallSeconds = 42
		again[i].Manifest.Backend = "other"
	}
	write(t, b, again...)
	// Files the loader must ignore: a temporary file and an unrelated one.
	os.WriteFile(filepath.Join(b, "baseline", ".seed_3.jsonl.tmp123"), []byte("{"), 0o644)
	os.WriteFile(filepath.Join(b, "README.txt"), []byte("notes"), 0o644)

	runs, err := report.Load(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := runs.Conditions(), twoConds; !slices.Equal(got, want) {
		t.Errorf("Conditions() = %v, want %v", got, want)
	}
	for _, c := range twoConds {
		if got := runs.Seeds(c); !slices.Equal(got, []int{0, 1, 2}) {
			t.Errorf("Seeds(%s) = %v, want [0 1 2]", c, got)
		}
	}
	if runs.Len() != 6 {
		t.Errorf("Len() = %d, want 6", runs.Len())
	}
	if w := runs.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %q, want none", w)
	}
	if r, ok := runs.Run("baseline", 1); !ok || !strings.HasPrefix(r.Source, a) {
		t.Errorf("Run(baseline, 1) from %q, want the first folder's copy", r.Source)
	}
}

func TestLoadConflictingDuplicate(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, flat(twoConds, 0, 1)...)
	r := synth("ensemble_3", 1, []float64{0.2, 0.5, 0.45}, nil)
	write(t, b, r)
	_, err := report.Load(a, b)
	if !errors.Is(err, report.ErrConflict) {
		t.Fatalf("Load = %v, want ErrConflict", err)
	}
	pa, _ := coevo.RunPaths(a, "ensemble_3", 1)
	pb, _ := coevo.RunPaths(b, "ensemble_3", 1)
	for _, s := range []string{pa, pb, "iteration 2: policy_quality 0.4 vs 0.45"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
}

func TestLoadDropIncomplete(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, flat(twoConds, 0, 1, 2)...)
	// ensemble_3 seed 2 stopped after iteration 1; baseline seed 1 has
	// records but no manifest.
	short := synth("ensemble_3", 2, []float64{0.2, 0.5, 0.4}, nil)
	short.Records = short.Records[:2]
	write(t, dir, short)
	_, man := coevo.RunPaths(dir, "baseline", 1)
	mustRemove(t, man)

	if _, err := report.Load(dir); !errors.Is(err, report.ErrIncomplete) {
		t.Fatalf("strict Load = %v, want ErrIncomplete", err)
	}
	runs, err := report.LoadWith(report.LoadOptions{DropIncomplete: true}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := runs.Seeds("baseline"); !slices.Equal(got, []int{0, 2}) {
		t.Errorf("baseline seeds %v, want [0 2]", got)
	}
	if got := runs.Seeds("ensemble_3"); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("ensemble_3 seeds %v, want [0 1]", got)
	}
	w := strings.Join(runs.Warnings(), "\n")
	t.Log(w)
	for _, s := range []string{
		"dropped incomplete run " + filepath.Join(dir, "baseline", "seed_1.jsonl"),
		"dropped incomplete run " + filepath.Join(dir, "ensemble_3", "seed_2.jsonl") + ": iterations 0..1 of 0..2",
		"baseline lacks seed 1 (present in ensemble_3)",
		"ensemble_3 lacks seed 2 (present in baseline)",
	} {
		if !strings.Contains(w, s) {
			t.Errorf("warnings do not mention %q", s)
		}
	}
	// The paired difference uses the one seed both keep.
	for _, s := range report.Summarize(runs) {
		if s.Condition == "ensemble_3" && (s.VsBaseline == nil || !slices.Equal(s.VsBaseline.Seeds, []int{0})) {
			t.Errorf("ensemble_3 paired with baseline on %+v, want seed 0 only", s.VsBaseline)
		}
	}
}

func TestLoadConfigWarning(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, flat([]string{"baseline"}, 0)...)
	r := synth("ensemble_3", 0, []float64{0.2, 0.5, 0.4}, nil)
	r.Manifest.Config.Train.EntropyCoef = 0
	write(t, dir, r)
	runs, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := runs.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "ensemble_3 has a different configuration than baseline: config.train.entropy_coef 0.01 vs 0") {
		t.Errorf("Warnings() = %q", w)
	}
}

func TestNewRunsOrder(t *testing.T) {
	runs, err := report.NewRuns(report.LoadOptions{},
		flat([]string{"zeta_custom", "frozen", "baseline", "anchor_0.1", "alpha_custom", "asymmetric_2"}, 0)...)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"baseline", "asymmetric_2", "anchor_0.1", "frozen", "alpha_custom", "zeta_custom"}
	if got := runs.Conditions(); !slices.Equal(got, want) {
		t.Errorf("Conditions() = %v, want %v", got, want)
	}
	// In-memory runs are checked too, and named by condition and seed.
	bad := synth("baseline", 3, []float64{0.1, 0.2}, nil)
	bad.Records[1].Iteration = 5
	_, err = report.NewRuns(report.LoadOptions{}, bad)
	if !errors.Is(err, report.ErrCorrupt) || !strings.Contains(err.Error(), "baseline seed 3, record 1") {
		t.Errorf("NewRuns(bad) = %v", err)
	}
}

func TestLoadErrorUnwrap(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, flat(twoConds, 0)...)
	_, man := coevo.RunPaths(dir, "baseline", 0)
	os.WriteFile(man, []byte(`{"condition": `), 0o644)
	_, err := report.Load(dir)
	var syn *json.SyntaxError
	if !errors.Is(err, report.ErrCorrupt) || !errors.As(err, &syn) || !strings.HasPrefix(err.Error(), man) {
		t.Errorf("Load with a broken manifest = %v", err)
	}
}

// rewriteLine replaces line n (1-based, without its newline) of the file at
// path with f of it.
func rewriteLine(t *testing.T, path string, n int, f func(line string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("%s has no line %d", path, n)
	}
	lines[n-1] = f(lines[n-1])
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
