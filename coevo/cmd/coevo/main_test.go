package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coevolab/coevolab/coevo"
)

// cli runs the program in-process with ctx.
func cli(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = execute(ctx, &env{stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestBadInput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never")
	for _, tc := range []struct {
		args []string
		want []string // substrings of stderr
	}{
		{nil, []string{"Usage"}},
		{[]string{"frobnicate"}, []string{`unknown command "frobnicate"`, "run, sweep"}},
		{[]string{"help", "nope"}, []string{`unknown command "nope"`}},
		{[]string{"run", "--condition", "nope"}, []string{`--condition = "nope"`, "must be baseline, frozen"}},
		{[]string{"run", "--condition", "asymmetric_0"}, []string{`--condition = "asymmetric_0"`, "positive integer"}},
		{[]string{"run", "--iterations", "0"}, []string{`"0"`, "--iterations", "must be a positive integer"}},
		{[]string{"run", "--steps", "-3"}, []string{`"-3"`, "--steps", "must be a positive integer"}},
		{[]string{"run", "--steps", "many"}, []string{`"many"`, "--steps", "must be a positive integer"}},
		{[]string{"run", "--seeds", "a"}, []string{`--seeds = "a"`, "not a non-negative integer", "0-4"}},
		{[]string{"run", "--seeds", "4-0"}, []string{`--seeds = "4-0"`, "reversed range"}},
		{[]string{"run", "--seeds", "-2"}, []string{`--seeds = "-2"`, "negative"}},
		{[]string{"run", "--seeds", "1,1"}, []string{`--seeds = "1,1"`, "twice"}},
		{[]string{"run", "--entropy", "approx"}, []string{`--entropy = "approx"`, `"sampled" or "exact"`}},
		{[]string{"run", "--out", ""}, []string{"--out", "must name a folder"}},
		{[]string{"run", "extra"}, []string{`unexpected argument(s) ["extra"]`}},
		{[]string{"run", "--seeds", "0", "extra", "--force"}, []string{"unexpected argument"}},
		{[]string{"run", "--nope"}, []string{"flag provided but not defined: --nope", "coevo run -h"}},
		{[]string{"run", "--seeds"}, []string{"flag needs an argument: --seeds"}},
		{[]string{"sweep", "--shard", "3/2"}, []string{`--shard = "3/2"`, "0 ≤ I < N"}},
		{[]string{"sweep", "--shard", "a/b"}, []string{`--shard = "a/b"`, "0 ≤ I < N"}},
		{[]string{"sweep", "--shard", "1/0"}, []string{`--shard = "1/0"`, "at least 1"}},
		{[]string{"sweep", "--conditions", "baseline,nope"}, []string{`--conditions = "baseline,nope"`, `condition "nope"`}},
		{[]string{"sweep", "--conditions", "frozen,frozen"}, []string{"--conditions", "twice"}},
		{[]string{"sweep", "--max-batch", "-1"}, []string{`"-1"`, "--max-batch", "must be an integer ≥ 0"}},
		{[]string{"sweep", "--iterations", "0"}, []string{"--iterations", "positive integer"}},
		{[]string{"sweep", "leftover"}, []string{"unexpected argument"}},
		{[]string{"summary", "--format", "xml"}, []string{`--format = "xml"`, "md or csv"}},
		{[]string{"summary", "--runs", ""}, []string{"--runs", "must not be empty"}},
		{[]string{"summary", "stray"}, []string{"unexpected argument"}},
		{[]string{"figures", "--condition", "nope"}, []string{`--condition = "nope"`}},
		{[]string{"figures", "--out", ""}, []string{"--out", "must name a folder"}},
		{[]string{"conditions", "x"}, []string{"unexpected argument"}},
		{[]string{"world", "--generator", "numpy"}, []string{"--generator", "numpy", `"jax"`}},
	} {
		args := tc.args
		if len(args) > 0 && (args[0] == "run" || args[0] == "sweep") {
			// Never write into the working folder, even if a check failed.
			args = append([]string{args[0], "--out", dir}, args[1:]...)
		}
		code, stdout, stderr := cli(context.Background(), args...)
		if code != exitUsage {
			t.Errorf("coevo %q: exit %d, want %d; stderr %q", args, code, exitUsage, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("coevo %q: stderr %q does not say %q", args, stderr, w)
			}
		}
		if strings.Contains(stderr, "backend") || stdout != "" {
			t.Errorf("coevo %q: work started before the error (stdout %q, stderr %q)", args, stdout, stderr)
		}
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a bad command line created %s", dir)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, stdout, _ := cli(context.Background(), args...)
		if code != exitOK || !strings.Contains(stdout, "The commands:") || !strings.Contains(stdout, "sweep") {
			t.Errorf("coevo %q: exit %d, stdout %q", args, code, stdout)
		}
	}
	for _, c := range commands {
		for _, args := range [][]string{{c.name, "-h"}, {"help", c.name}} {
			code, stdout, _ := cli(context.Background(), args...)
			if code != exitOK || !strings.Contains(stdout, "Usage: coevo "+c.name) {
				t.Errorf("coevo %q: exit %d, stdout %q", args, code, stdout)
			}
		}
	}
	_, stdout, _ := cli(context.Background(), "run", "-h")
	for _, f := range []string{"--condition NAME", "--seeds LIST", "--iterations N", "--steps N", "--out DIR", "--force", "--quiet", "--entropy MODE", "(default results/runs)"} {
		if !strings.Contains(stdout, f) {
			t.Errorf("coevo run -h does not list %q:\n%s", f, stdout)
		}
	}
}

func TestConditions(t *testing.T) {
	code, stdout, _ := cli(context.Background(), "conditions")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	names := 0
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			if _, err := coevo.ConditionByName(f[0]); err == nil {
				names++
			}
		}
	}
	if names != 17 {
		t.Errorf("coevo conditions lists %d conditions, want 17:\n%s", names, stdout)
	}
	for _, want := range []string{"frozen †", "anchor_0.1 †", "asymmetric_10  judge_update_every=10", "baseline       defaults"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("coevo conditions does not say %q:\n%s", want, stdout)
		}
	}
}

func TestFlagMessage(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	n := 0
	fs.Var(intFlag{&n, 1}, "iterations", "")
	fs.Bool("force", false, "")
	for args, want := range map[string]string{
		"--nope":          "flag provided but not defined: --nope",
		"--iterations=0":  `invalid value "0" for flag --iterations: must be a positive integer`,
		"--force=maybe":   `invalid boolean value "maybe" for --force`,
		"--iterations":    "flag needs an argument: --iterations",
		"-iterations=abc": `invalid value "abc" for flag --iterations`,
	} {
		err := fs.Parse([]string{args})
		if err == nil || !strings.HasPrefix(flagMessage(err), want) {
			t.Errorf("%s: %q, want it to start with %q", args, flagMessage(err), want)
		}
	}
}

// TestRunEndToEnd runs a tiny job, reruns it (skipped), refuses another
// configuration in the same folder, and reads the folder back with summary
// and figures.
func TestRunEndToEnd(t *testing.T) {
	out := t.TempDir()
	args := []string{"run", "--condition", "baseline", "--seeds", "0", "--iterations", "1", "--steps", "2", "--out", out}
	code, stdout, stderr := cli(context.Background(), args...)
	if code != exitOK {
		t.Fatalf("coevo run: exit %d\nstderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "coevo: backend ") || strings.Count(stderr, "coevo: backend") != 1 {
		t.Errorf("stderr should announce the backend once: %q", stderr)
	}
	for _, want := range []string{"condition", "final quality", "judge alignment", "policy entropy", "peak iteration", "baseline   1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	recPath, _ := coevo.RunPaths(out, "baseline", 0)
	recs, err := coevo.ReadRecords(recPath)
	if err != nil || len(recs) != 2 {
		t.Fatalf("%s: %d records, %v; want iterations 0 and 1", recPath, len(recs), err)
	}
	m, err := coevo.ReadManifest(out, "baseline", 0)
	if err != nil || m.Config.Train.Steps != 2 || m.Backend == "" {
		t.Fatalf("manifest %+v, %v", m, err)
	}

	// Again: skipped, no work, same table.
	code, stdout2, stderr := cli(context.Background(), args...)
	if code != exitOK || !strings.Contains(stderr, "skipping 1 run(s) already finished") || strings.Contains(stderr, "backend") {
		t.Errorf("second coevo run: exit %d, stderr %q; want the run skipped without work", code, stderr)
	}
	if stdout2 != stdout {
		t.Errorf("second table differs:\n%s\n%s", stdout, stdout2)
	}
	if again, _ := coevo.ReadManifest(out, "baseline", 0); !again.Finished.Equal(m.Finished) {
		t.Errorf("the run was redone")
	}

	// Another configuration in the same folder: refused.
	other := append([]string(nil), args...)
	other[6] = "3" // --iterations 3
	code, _, stderr = cli(context.Background(), other...)
	if code != exitFailure || !strings.Contains(stderr, "another configuration") || !strings.Contains(stderr, "--force") {
		t.Errorf("coevo run with another config: exit %d, stderr %q", code, stderr)
	}

	// summary and figures read the folder.
	code, stdout, stderr = cli(context.Background(), "summary", "--runs", out)
	if code != exitOK || !strings.Contains(stdout, "| baseline") {
		t.Errorf("coevo summary: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = cli(context.Background(), "summary", "--runs", out, "--format", "csv")
	if code != exitOK || !strings.HasPrefix(stdout, "condition,") || !strings.Contains(stdout, "\nbaseline,") {
		t.Errorf("coevo summary --format csv: exit %d, stdout %q", code, stdout)
	}
	code, _, stderr = cli(context.Background(), "summary", "--runs", filepath.Join(out, "missing"))
	if code != exitFailure || !strings.Contains(stderr, "missing") {
		t.Errorf("coevo summary of a missing folder: exit %d, stderr %q", code, stderr)
	}
	figs := filepath.Join(t.TempDir(), "figs")
	code, stdout, stderr = cli(context.Background(), "figures", "--runs", out, "--out", figs)
	if code != exitOK {
		t.Fatalf("coevo figures: exit %d, stderr %q", code, stderr)
	}
	headline := filepath.Join(figs, "headline_baseline.png")
	if !strings.Contains(stdout, headline) {
		t.Errorf("coevo figures does not list %s:\n%s", headline, stdout)
	}
	f, err := os.Open(headline)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.DecodeConfig(f); err != nil {
		t.Errorf("%s: %v", headline, err)
	}
	code, _, stderr = cli(context.Background(), "figures", "--runs", out, "--out", figs, "--condition", "frozen")
	if code != exitUsage || !strings.Contains(stderr, "no run of it") {
		t.Errorf("coevo figures --condition frozen without frozen runs: exit %d, stderr %q", code, stderr)
	}
}

func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := t.TempDir()
	code, _, stderr := cli(ctx, "sweep", "--conditions", "baseline", "--seeds", "0", "--iterations", "1", "--steps", "1", "--out", out, "--quiet")
	if code != exitInterrupted || !strings.Contains(stderr, "run the same command again to resume") {
		t.Errorf("interrupted sweep: exit %d, stderr %q", code, stderr)
	}
}

func TestEmptyShard(t *testing.T) {
	code, stdout, stderr := cli(context.Background(), "sweep", "--conditions", "baseline", "--seeds", "0", "--shard", "3/4", "--out", t.TempDir())
	if code != exitOK || stdout != "" || !strings.Contains(stderr, "nothing to run") || strings.Contains(stderr, "backend") {
		t.Errorf("empty shard: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestWorld(t *testing.T) {
	for gen, best := range map[string]string{"jax": "↗↓↑↗", "go": ""} {
		code, stdout, stderr := cli(context.Background(), "world", "--generator", gen)
		if code != 0 {
			t.Fatalf("coevo world --generator %s: exit %d: %s", gen, code, stderr)
		}
		for _, want := range []string{"w_pos = [", "| max |", "| mean |", "Top five: " + best} {
			if !strings.Contains(stdout, want) {
				t.Errorf("coevo world --generator %s does not print %q:\n%s", gen, want, stdout)
			}
		}
	}
}

// writeFindingRuns writes baseline runs of three seeds, iterations 0..3,
// whose quality rises in iteration 1 and then stays flat.
func writeFindingRuns(t *testing.T, dir string) {
	t.Helper()
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations = 3
	knobs := coevo.DefaultKnobs()
	for seed := range 3 {
		recs := make([]coevo.Record, 4)
		for i := range recs {
			q := 1 + 0.1*float64(seed)
			if i == 0 {
				q = 0
			}
			recs[i] = coevo.Record{Condition: "baseline", Seed: seed, Iteration: i, PolicyQuality: q,
				JudgeAlignment: 0.7 - 0.1*float64(i), PolicyEntropy: 8 / float64(1+4*i),
				JudgePerceivedQuality: q + float64(i), Mode: "↑↑↑↑"}
		}
		m := coevo.Manifest{Condition: "baseline", Seed: seed, Knobs: knobs, Config: cfg,
			ConfigHash: coevo.RunHash(cfg, knobs, seed), Backend: "test", Summary: coevo.Summarize(recs)}
		if err := coevo.WriteRun(dir, m, recs); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindings(t *testing.T) {
	dir := t.TempDir()
	writeFindingRuns(t, dir)
	code, stdout, stderr := cli(context.Background(), "findings", "--runs", dir)
	if code != exitOK {
		t.Fatalf("coevo findings: exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{
		"# Which of the spec's claims hold in this lab",
		"1 condition × seeds 0–2 (3 runs)",
		"| # | Claim | Verdict | Evidence |",
		"| 1 | Baseline: real quality rises in the first iteration, then plateaus | **holds** | Mean quality 0.000 at iteration 0, 1.100 at 1",
		"| 6 | Slower judge updates (every 10 steps) are the clearest practical gain | **not measured** | no asymmetric_10 runs |",
		"## Rules",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("coevo findings does not print %q:\n%s", want, stdout)
		}
	}

	// An unfinished run is refused, or left out with --drop-incomplete.
	_, man := coevo.RunPaths(dir, "baseline", 2)
	if err := os.Remove(man); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(context.Background(), "findings", "--runs", dir)
	if code != exitFailure || !strings.Contains(stderr, "--drop-incomplete") {
		t.Errorf("coevo findings with an unfinished run: exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr = cli(context.Background(), "findings", "--runs", dir, "--drop-incomplete")
	if code != exitOK || !strings.Contains(stdout, "Loading tolerated:") || !strings.Contains(stdout, "(2 runs)") ||
		!strings.Contains(stderr, "warning: dropped incomplete run") {
		t.Errorf("coevo findings --drop-incomplete: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	for _, args := range [][]string{
		{"findings", "--nope"},
		{"findings", "stray"},
		{"findings", "--runs", ""},
		{"findings", "--drop-incomplete=maybe"},
	} {
		code, stdout, stderr := cli(context.Background(), args...)
		if code != exitUsage || stdout != "" || stderr == "" {
			t.Errorf("coevo %q: exit %d, stdout %q, stderr %q; want exit %d and a message", args, code, stdout, stderr, exitUsage)
		}
	}
	code, _, stderr = cli(context.Background(), "findings", "--runs", filepath.Join(dir, "missing"))
	if code != exitFailure || !strings.Contains(stderr, "missing") {
		t.Errorf("coevo findings of a missing folder: exit %d, stderr %q", code, stderr)
	}
}
