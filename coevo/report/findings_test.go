package report_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// flatAfter returns a quality course over iterations 0..10: start at
// iteration 0, then final at every later iteration.
func flatAfter(start, final float64) []float64 {
	q := make([]float64, 11)
	for i := 1; i < len(q); i++ {
		q[i] = final
	}
	q[0] = start
	return q
}

// edited is synth's run with each record passed through edit.
func edited(cond string, seed int, q []float64, edit func(r *coevo.Record)) report.Run {
	run := synth(cond, seed, q, nil)
	if edit != nil {
		for i := range run.Records {
			edit(&run.Records[i])
		}
	}
	return run
}

// findingRuns is a grid built so that the claims fare as listed in
// TestFindings. Baseline, seeds 0..4, iterations 0..10:
//
//	quality   0 at iteration 0, then 1.0, 1.1, 0.9, 1.0 flat for seeds 0..3;
//	          seed 4: 1.0 at iterations 1..9 and 0.2 at 10 (mode ↓↓↓↓).
//	          Seed means: 0, 1.0 (1..9), 0.84 (10). Baseline final std √(0.532/4).
//	alignment 0.7 − 0.05·i (synth)
//	entropy   8, 4, 2, 1.5, 0.5, 0.1, … (below 1 nat from iteration 4 on)
//	perceived quality + 0.5·i (synth)
//
// Other conditions have flat courses 0, f, …, f with finals f per seed:
//
//	asymmetric_10  1.5 1.7 1.3 1.5 0.7   Δ = 0.5 0.6 0.4 0.5 0.5
//	asymmetric_2   baseline + 0.1
//	asym_meta_10   asymmetric_10 − 0.05
//	ensemble_3     1.0 each (std 0; peaks 1.0 vs the baseline's 1.0 1.1 0.9 1.0 1.0)
//	frozen         baseline + 0.1 −0.1 +0.05 −0.05 0, alignment 0.7 throughout
//	anchor_0.1     3.0 each, alignment 0.7 − 0.05·i (final 0.2)
func findingRuns() []report.Run {
	baseFinal := []float64{1.0, 1.1, 0.9, 1.0, 0.2}
	entropy := []float64{8, 4, 2, 1.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	var runs []report.Run
	for s, f := range baseFinal {
		q := flatAfter(0, f)
		if s == 4 {
			q = flatAfter(0, 1.0)
			q[10] = 0.2
		}
		runs = append(runs, edited("baseline", s, q, func(r *coevo.Record) {
			r.PolicyEntropy = entropy[r.Iteration]
			if s == 4 && r.Iteration == 10 {
				r.Mode = "↓↓↓↓"
			}
		}))
	}
	asym := []float64{1.5, 1.7, 1.3, 1.5, 0.7}
	frozenDelta := []float64{0.1, -0.1, 0.05, -0.05, 0}
	for s := range 5 {
		runs = append(runs,
			synth("asymmetric_10", s, flatAfter(0, asym[s]), nil),
			synth("asymmetric_2", s, flatAfter(0, baseFinal[s]+0.1), nil),
			synth("asym_meta_10", s, flatAfter(0, asym[s]-0.05), nil),
			synth("ensemble_3", s, flatAfter(0, 1.0), nil),
			edited("frozen", s, flatAfter(0, baseFinal[s]+frozenDelta[s]), func(r *coevo.Record) { r.JudgeAlignment = 0.7 }),
			synth("anchor_0.1", s, flatAfter(0, 3.0), nil),
		)
	}
	return runs
}

func TestFindings(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, findingRuns()...)
	runs, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs := report.Findings(runs)
	want := []struct {
		verdict  report.Verdict
		evidence []string // substrings of Evidence, numbers computed by hand
	}{
		// Rise 1.0 − 0 on 5 of 5 seeds; largest departure 0.84 − 1.0 = −0.16, 16% of it.
		{report.Holds, []string{"rise +1.000", "5 of 5 seeds rise", "-0.160 (iteration 10), 16.00% of the rise"}},
		{report.Holds, []string{"0.700 at iteration 0", "minimum 0.200 at iteration 10", "10 of the 10 iterations"}},
		// H̄(3) = 1.5: collapse at iteration 4 only.
		{report.Partly, []string{"1.500 at iteration 3 (0 of 5 seeds below 1 nat)", "first falls below 1 nat at iteration 4", "ln 8^4 = 8.318"}},
		// p̄ = q̄ + 0.5i: 1.5 at 1, 5.84 at 10; gap 0.5i.
		{report.Holds, []string{"1.500 at iteration 1, 5.840 at 10", "rising in 9 of 9 steps (7 needed)", "+0.500 at iteration 1, +5.000 at 10"}},
		// Others 1.0, 1.1, 0.9, 1.0: mean 1, s = √(0.02/3) = 0.0816; (1 − 0.2)/0.0816 = 9.8.
		{report.Holds, []string{"Seed 4 ends lowest, at 0.200 in mode ↓↓↓↓", "9.8 standard deviations", "1.000 ± 0.082"}},
		// Δ mean 0.5, s = √(0.02/4); half-width t(0.975,4)·s/√5 = 0.0878.
		{report.Holds, []string{"+0.500 [+0.412, +0.588] on 5 seeds", "largest of the 4 practical conditions", "next: asym_meta_10 +0.450"}},
		{report.DoesNotHold, []string{"-0.050 [-0.050, -0.050] on 5 shared seeds", "lies below 0"}},
		// Δ peak: 0, −0.1, +0.1, 0, 0; its mean is 0 up to the rounding of 1.1
		// and 0.9, so its sign is not tested here (TestFindingsSignedZero is).
		{report.Holds, []string{"ensemble_3: final-quality std 0.000 vs baseline 0.365", "0.000 [-0.088, +0.088]", "no ensemble_5 runs"}},
		{report.NotMeasured, []string{"no reinit_3 runs; no reinit_5 runs"}},
		{report.Holds, []string{"kept in 5 of 5 runs", "+0.000 [-0.098, +0.098]"}},
		{report.Partly, []string{"3.000, the highest of 7 conditions (next: asymmetric_10 1.340)", "mean final alignment 0.200"}},
	}
	if len(fs) != len(want) {
		t.Fatalf("%d findings, want %d", len(fs), len(want))
	}
	for i, w := range want {
		f := fs[i]
		if f.Verdict != w.verdict {
			t.Errorf("finding %d (%s): %s, want %s; evidence: %s", i+1, f.Claim, f.Verdict, w.verdict, f.Evidence)
		}
		for _, s := range w.evidence {
			if !strings.Contains(f.Evidence, s) {
				t.Errorf("finding %d (%s): evidence %q lacks %q", i+1, f.Claim, f.Evidence, s)
			}
		}
		if f.Claim == "" || f.Rule == "" || f.Evidence == "" {
			t.Errorf("finding %d has an empty field: %+v", i+1, f)
		}
	}

	var b bytes.Buffer
	if err := report.WriteFindings(&b, runs, fs); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, s := range []string{
		"# Which of the spec's claims hold in this lab",
		"7 conditions × seeds 0–4 (35 runs); iterations 0..10 (10 outer iterations × 200 steps",
		"backend test; module unrecorded",
		"11 claims: 7 holds, 2 partly, 1 does not hold, 1 not measured.",
		"| # | Claim | Verdict | Evidence |",
		"| 7 | Adding the meta-judge to slow updates helps a little more | **does not hold** |",
		// Every run's quality is flat after iteration 1, so each peaks at
		// iteration 1 (the first maximum); only baseline seed 4 degrades.
		"|\n\nDegradation across the grid: runs peaking at their last iteration: 0 of 35; " +
			"conditions with mean degradation 0: 6 of 7 (all but baseline). ",
		"## Rules",
		"\n11. anchor_0.1's mean final policy_quality",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}

// TestFindingsSignedZero checks that a difference that rounds to zero
// prints with its sign, and the same in the findings as in the summary.
func TestFindingsSignedZero(t *testing.T) {
	var runs []report.Run
	for s, f := range []float64{1.0, 1.2, 0.8} {
		runs = append(runs,
			synth("baseline", s, flatAfter(0, f), nil),
			synth("reinit_5", s, flatAfter(0, f-0.0004), nil))
	}
	rs, err := report.NewRuns(report.LoadOptions{}, runs...)
	if err != nil {
		t.Fatal(err)
	}
	const want = "-0.000 [-0.000, -0.000]" // Δ = −0.0004 on every seed
	var md bytes.Buffer
	if err := report.WriteMarkdown(&md, report.Summarize(rs)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, md.String())
	}
	fd := report.Findings(rs)[8]
	if !strings.Contains(fd.Evidence, "reinit_5: Δ = "+want) {
		t.Errorf("finding 9: evidence %q lacks %q", fd.Evidence, want)
	}
	if fd.Verdict != report.DoesNotHold {
		t.Errorf("finding 9: %s, want %s (a negative Δ does not help)", fd.Verdict, report.DoesNotHold)
	}
}

// TestFindingsDegradation checks the line on degradation across the grid
// against counts made by hand (TestFindings covers the "all but" form).
func TestFindingsDegradation(t *testing.T) {
	var runs []report.Run
	for s := range 3 {
		// Baseline: seeds 0 and 1 climb to their last iteration; seed 2
		// peaks at iteration 1 and falls.
		q := []float64{0, 1, 2, 3}
		if s == 2 {
			q = []float64{0, 3, 2, 1}
		}
		runs = append(runs,
			synth("baseline", s, q, nil),
			// Climbs to the end: peaks last, degradation 0.
			synth("asymmetric_10", s, []float64{0, 1, 2, 3}, nil),
			// Flat after iteration 1: degradation 0, but the first maximum
			// is iteration 1, not the last.
			synth("frozen", s, []float64{0, 2, 2, 2}, nil),
			// Peaks at iteration 1 and falls.
			synth("ensemble_3", s, []float64{0, 3, 2, 1}, nil))
	}
	rs, err := report.NewRuns(report.LoadOptions{}, runs...)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteFindings(&b, rs, report.Findings(rs)); err != nil {
		t.Fatal(err)
	}
	const want = "\nDegradation across the grid: runs peaking at their last iteration: 5 of 12; " +
		"conditions with mean degradation 0: 2 of 4 (asymmetric_10, frozen). "
	if !strings.Contains(b.String(), want) {
		t.Errorf("findings lack %q:\n%s", want, b.String())
	}
}

// TestFindingsBaseline checks baseline claims that fail or hold in part.
func TestFindingsBaseline(t *testing.T) {
	// Quality falls in iteration 1; alignment rises; entropy stays high;
	// perceived quality falls towards true quality; no clear outlier.
	var falling []report.Run
	for s, f := range []float64{0.5, 0.6, 0.45} {
		falling = append(falling, edited("baseline", s, flatAfter(1, f), func(r *coevo.Record) {
			r.JudgeAlignment = 0.7 + 0.01*float64(r.Iteration)
			r.PolicyEntropy = 8
			r.JudgePerceivedQuality = 2 - 0.1*float64(r.Iteration)
		}))
	}
	// Quality keeps climbing: rises, no plateau.
	climbing := []report.Run{synth("baseline", 0, []float64{0, 1, 2, 3}, nil)}
	for _, tc := range []struct {
		name  string
		runs  []report.Run
		want  []report.Verdict // the first five findings
		lacks string           // a substring of finding 1's evidence
	}{
		{"falling", falling, []report.Verdict{report.DoesNotHold, report.DoesNotHold, report.DoesNotHold, report.DoesNotHold, report.DoesNotHold},
			"No rise in the first iteration."},
		{"climbing", climbing, []report.Verdict{report.Partly, report.Holds, report.DoesNotHold, report.Holds, report.NotMeasured},
			"+2.000 (iteration 3), 200.00% of the rise"},
	} {
		runs, err := report.NewRuns(report.LoadOptions{}, tc.runs...)
		if err != nil {
			t.Fatal(err)
		}
		fs := report.Findings(runs)
		for i, v := range tc.want {
			if fs[i].Verdict != v {
				t.Errorf("%s: finding %d (%s): %s, want %s; evidence: %s", tc.name, i+1, fs[i].Claim, fs[i].Verdict, v, fs[i].Evidence)
			}
		}
		if !strings.Contains(fs[0].Evidence, tc.lacks) {
			t.Errorf("%s: evidence %q lacks %q", tc.name, fs[0].Evidence, tc.lacks)
		}
		for i := 5; i < len(fs); i++ {
			if fs[i].Verdict != report.NotMeasured {
				t.Errorf("%s: finding %d without its conditions: %s", tc.name, i+1, fs[i].Verdict)
			}
		}
	}
}

func TestFindingsNotMeasured(t *testing.T) {
	for _, f := range report.Findings(nil) {
		if f.Verdict != report.NotMeasured || f.Evidence == "" {
			t.Errorf("no runs: %s: %s (%q)", f.Claim, f.Verdict, f.Evidence)
		}
	}
	var b bytes.Buffer
	if err := report.WriteFindings(&b, nil, report.Findings(nil)); err != nil || !strings.Contains(b.String(), "No runs.") {
		t.Errorf("WriteFindings without runs: %v\n%s", err, b.String())
	}
	// Without a baseline, the claims that compare with it are not measured.
	runs, err := report.NewRuns(report.LoadOptions{}, flat([]string{"asymmetric_10", "asym_meta_10"}, 0, 1)...)
	if err != nil {
		t.Fatal(err)
	}
	fs := report.Findings(runs)
	for i, f := range fs {
		if i == 6 { // asym_meta_10 vs asymmetric_10 needs no baseline
			if f.Verdict == report.NotMeasured {
				t.Errorf("finding 7 not measured: %s", f.Evidence)
			}
			continue
		}
		if f.Verdict != report.NotMeasured {
			t.Errorf("no baseline: finding %d (%s): %s", i+1, f.Claim, f.Verdict)
		}
	}
	if !strings.Contains(fs[5].Evidence, "no baseline runs") {
		t.Errorf("finding 6: %q", fs[5].Evidence)
	}
}

func TestVerdictString(t *testing.T) {
	for v, want := range map[report.Verdict]string{
		report.Holds: "holds", report.DoesNotHold: "does not hold", report.Partly: "partly",
		report.NotMeasured: "not measured", report.Verdict(9): "Verdict(9)",
	} {
		if got := v.String(); got != want {
			t.Errorf("Verdict(%d).String() = %q, want %q", int(v), got, want)
		}
	}
	var zero report.Verdict
	if zero != report.NotMeasured {
		t.Errorf("the zero Verdict is %s", zero)
	}
}

func ExampleFindings() {
	var runs []report.Run
	for seed, q := range [][]float64{
		{0.1, 0.9, 1.0, 1.0},
		{0.1, 0.8, 0.9, 0.9},
		{0.1, 1.0, 1.1, 1.2},
	} {
		runs = append(runs, exampleRun("baseline", seed, q...))
	}
	rs, err := report.NewRuns(report.LoadOptions{}, runs...)
	if err != nil {
		fmt.Println(err)
		return
	}
	fs := report.Findings(rs)
	for _, f := range fs[:5] {
		fmt.Printf("%-13s %s\n", f.Verdict, f.Claim)
	}
	fmt.Println(fs[0].Evidence)
	// Output:
	// holds         Baseline: real quality rises in the first iteration, then plateaus
	// does not hold Baseline: judge alignment falls from its pretrained value and stays lower
	// holds         Baseline: entropy collapses to near zero within about three iterations
	// holds         Baseline: judge-perceived quality keeps rising (and drifts away from true quality)
	// does not hold Baseline: one seed of five lands in a clearly worse mode
	// Mean quality 0.100 at iteration 0, 0.900 at 1 (rise +0.800; 3 of 3 seeds rise), 1.033 at 3. Over iterations 2..3 it departs from q̄(1) by at most +0.133 (iteration 3), 16.67% of the rise (25% allowed).
}
