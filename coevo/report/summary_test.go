package report_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/coevolab/coevolab/coevo/report"
)

func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestStudentTQuantile(t *testing.T) {
	// Reference values from standard t tables (R: qt(p, df)).
	tests := []struct{ p, nu, want float64 }{
		{0.975, 1, 12.706204736174707},
		{0.975, 2, 4.302652729749464},
		{0.975, 3, 3.182446305284263},
		{0.975, 4, 2.7764451051977934},
		{0.975, 9, 2.2621571628540993},
		{0.975, 29, 2.045229642132703},
		{0.975, 1e6, 1.9599663568}, // z + (z³+z)/(4ν) with z = 1.959964
		{0.995, 5, 4.032142983557536},
		{0.9, 10, 1.3721836411103356},
		{0.025, 4, -2.7764451051977934},
		{0.5, 3, 0},
	}
	for _, tt := range tests {
		if got := report.StudentTQuantile(tt.p, tt.nu); !near(got, tt.want, 1e-9) {
			t.Errorf("StudentTQuantile(%v, %v) = %.12g, want %.12g", tt.p, tt.nu, got, tt.want)
		}
	}
	for _, bad := range [][2]float64{{-0.1, 3}, {1.1, 3}, {0.9, 0}, {math.NaN(), 2}} {
		if got := report.StudentTQuantile(bad[0], bad[1]); !math.IsNaN(got) {
			t.Errorf("StudentTQuantile(%v, %v) = %v, want NaN", bad[0], bad[1], got)
		}
	}
	if got := report.StudentTQuantile(1, 3); !math.IsInf(got, 1) {
		t.Errorf("StudentTQuantile(1, 3) = %v, want +Inf", got)
	}
}

func TestMeanStd(t *testing.T) {
	tests := []struct {
		x         []float64
		mean, std float64
	}{
		{nil, math.NaN(), math.NaN()},
		{[]float64{3}, 3, math.NaN()},
		{[]float64{1, 2, 3, 4}, 2.5, math.Sqrt(5.0 / 3)}, // Σ(x−2.5)² = 5, over n−1 = 3
		{[]float64{1e9 + 1, 1e9 + 2, 1e9 + 3}, 1e9 + 2, 1},
	}
	for _, tt := range tests {
		s := report.MeanStd(tt.x)
		if s.N != len(tt.x) || !near(s.Mean, tt.mean, 1e-12) || !near(s.Std, tt.std, 1e-9) {
			t.Errorf("MeanStd(%v) = %+v, want mean %v std %v", tt.x, s, tt.mean, tt.std)
		}
	}
}

// handRuns is a tiny grid whose statistics are computed by hand below.
//
//	baseline    quality by iteration       final  peak it.  degradation %
//	  seed 0    0.2  0.6  0.5              0.5    1         100·0.1/0.6 = 16.6667
//	  seed 1    0.2  0.6  0.6              0.6    1 (first) 0
//	  seed 2    0.2  0.4  0.7              0.7    2         0
//	ensemble_3
//	  seed 0    0.2  0.6  0.6              0.6    1         0
//	  seed 1    0.2  0.6  0.6              0.6    1         0
//	  seed 2    0.2  0.9  0.9              0.9    1         0
//	frozen: seed 0 to 2 all 0.2 0.3 0.3 (a boundary condition)
//
// Final judge alignment of the baseline: 0.3, 0.4, 0.8.
func handRuns() []report.Run {
	return []report.Run{
		synth("baseline", 0, []float64{0.2, 0.6, 0.5}, []float64{0.7, 0.5, 0.3}),
		synth("baseline", 1, []float64{0.2, 0.6, 0.6}, []float64{0.7, 0.5, 0.4}),
		synth("baseline", 2, []float64{0.2, 0.4, 0.7}, []float64{0.7, 0.5, 0.8}),
		synth("ensemble_3", 0, []float64{0.2, 0.6, 0.6}, nil),
		synth("ensemble_3", 1, []float64{0.2, 0.6, 0.6}, nil),
		synth("ensemble_3", 2, []float64{0.2, 0.9, 0.9}, nil),
		synth("frozen", 0, []float64{0.2, 0.3, 0.3}, nil),
		synth("frozen", 1, []float64{0.2, 0.3, 0.3}, nil),
		synth("frozen", 2, []float64{0.2, 0.3, 0.3}, nil),
	}
}

func TestSummarizeByHand(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, handRuns()...)
	runs, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sums := report.Summarize(runs)
	if len(sums) != 3 {
		t.Fatalf("%d summaries, want 3", len(sums))
	}
	base, ens, frozen := sums[0], sums[1], sums[2]
	if base.Condition != "baseline" || ens.Condition != "ensemble_3" || frozen.Condition != "frozen" {
		t.Fatalf("conditions %s %s %s", base.Condition, ens.Condition, frozen.Condition)
	}
	const tol = 1e-9
	check := func(what string, got report.Stat, mean, std float64, tols ...float64) {
		t.Helper()
		tol := tol
		if len(tols) > 0 {
			tol = tols[0]
		}
		if got.N != 3 || !near(got.Mean, mean, tol) || !near(got.Std, std, tol) {
			t.Errorf("%s = %+v, want %v ± %v (n=3)", what, got, mean, std)
		}
	}
	// Final quality 0.5, 0.6, 0.7: mean 0.6; deviations ±0.1, 0: s² = 0.02/2, s = 0.1.
	check("baseline final quality", base.Final[report.PolicyQuality], 0.6, 0.1)
	// Final alignment 0.3, 0.4, 0.8: mean 0.5; Σd² = 0.04+0.01+0.09 = 0.14; s = √0.07.
	check("baseline final alignment", base.Final[report.JudgeAlignment], 0.5, math.Sqrt(0.07))
	// Entropy at iteration 2: 8 − 4 − 0.1·seed = 4, 3.9, 3.8: mean 3.9, s = 0.1.
	check("baseline final entropy", base.Final[report.PolicyEntropy], 3.9, 0.1)
	// Perceived quality: final quality + 1: mean 1.6, s = 0.1.
	check("baseline final perceived", base.Final[report.JudgePerceivedQuality], 1.6, 0.1)
	// Peak iterations 1, 1, 2: mean 4/3; Σd² = 2/9 + 4/9 = 2/3; s = √(1/3).
	check("baseline peak iteration", base.PeakIteration, 4.0/3, math.Sqrt(1.0/3))
	if !slices.Equal(base.PeakIterations, []int{1, 1, 2}) {
		t.Errorf("baseline peak iterations %v, want [1 1 2]", base.PeakIterations)
	}
	// Degradation 16.6667, 0, 0 (up to the 1e−8 in the denominator, hence tol 1e−6):
	// mean 50/9 = 5.5556; Σd² = (100/9)² + 2(50/9)² = 15000/81; s = √(7500/81) = 9.6225.
	check("baseline degradation", base.DegradationPct, 50.0/9, math.Sqrt(7500.0/81), 1e-6)
	if base.VsBaseline != nil {
		t.Errorf("baseline compared with itself: %+v", base.VsBaseline)
	}
	if base.Boundary || ens.Boundary || !frozen.Boundary {
		t.Errorf("boundary flags %v %v %v, want false false true", base.Boundary, ens.Boundary, frozen.Boundary)
	}
	if base.Iterations != 2 || !slices.Equal(base.Seeds, []int{0, 1, 2}) {
		t.Errorf("baseline iterations %d seeds %v", base.Iterations, base.Seeds)
	}

	// ensemble_3 − baseline, per seed: 0.6−0.5, 0.6−0.6, 0.9−0.7 = 0.1, 0, 0.2.
	// Mean 0.1, s = 0.1, standard error 0.1/√3 = 0.0577350; t(0.975, 2) = 4.3026527;
	// half-width 0.2484138: interval [−0.1484138, 0.3484138].
	p := ens.VsBaseline
	if p == nil {
		t.Fatal("no paired difference for ensemble_3")
	}
	check("ensemble_3 − baseline", p.Diff, 0.1, 0.1)
	half := 4.302652729749464 * 0.1 / math.Sqrt(3)
	if !near(half, 0.2484138, 1e-7) || !near(p.Lo, 0.1-half, tol) || !near(p.Hi, 0.1+half, tol) {
		t.Errorf("interval [%v, %v], want [%v, %v]", p.Lo, p.Hi, 0.1-half, 0.1+half)
	}
	if !slices.Equal(p.Seeds, []int{0, 1, 2}) {
		t.Errorf("paired seeds %v", p.Seeds)
	}
	// frozen: all finals 0.3: std 0; differences −0.2, −0.3, −0.4: mean −0.3, s = 0.1.
	check("frozen final quality", frozen.Final[report.PolicyQuality], 0.3, 0)
	check("frozen − baseline", frozen.VsBaseline.Diff, -0.3, 0.1)
}

func TestTrajectory(t *testing.T) {
	runs, err := report.NewRuns(report.LoadOptions{}, handRuns()...)
	if err != nil {
		t.Fatal(err)
	}
	b := report.Trajectory(runs.Condition("baseline"), report.PolicyQuality)
	// Iteration 1: 0.6, 0.6, 0.4: mean 1.6/3; Σd² = 2(0.2/3)² + (0.4/3)² = 0.24/9; s = √(0.12/9).
	wantMean := []float64{0.2, 1.6 / 3, 0.6}
	wantStd := []float64{0, math.Sqrt(0.12 / 9), 0.1}
	if !slices.Equal(b.Iterations, []int{0, 1, 2}) || !slices.Equal(b.Seeds, []int{0, 1, 2}) || len(b.PerSeed) != 3 {
		t.Fatalf("band %+v", b)
	}
	for i := range wantMean {
		if !near(b.Mean[i], wantMean[i], 1e-12) || !near(b.Std[i], wantStd[i], 1e-12) {
			t.Errorf("iteration %d: %v ± %v, want %v ± %v", i, b.Mean[i], b.Std[i], wantMean[i], wantStd[i])
		}
	}
	if b.PerSeed[2][2] != 0.7 {
		t.Errorf("seed 2 final %v, want 0.7", b.PerSeed[2][2])
	}
	if e := report.Trajectory(nil, report.PolicyEntropy); len(e.Mean) != 0 {
		t.Errorf("empty trajectory %+v", e)
	}
}

func TestWriteMarkdownCSV(t *testing.T) {
	runs, err := report.NewRuns(report.LoadOptions{}, handRuns()...)
	if err != nil {
		t.Fatal(err)
	}
	sums := report.Summarize(runs)

	var md bytes.Buffer
	if err := report.WriteMarkdown(&md, sums); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + md.String())
	for _, s := range []string{
		"| baseline ", "0.600 ± 0.100", "(reference)", "+0.100 [-0.148, +0.348]",
		"| frozen † ", "1.3 (1,1,2)", "5.6 ± 9.6", "† Boundary condition",
	} {
		if !strings.Contains(md.String(), s) {
			t.Errorf("markdown lacks %q", s)
		}
	}
	lines := strings.Split(md.String(), "\n")
	for _, l := range lines[:5] { // header, rule, three rows: all the same width
		if len([]rune(l)) != len([]rune(lines[0])) {
			t.Errorf("ragged table line %q", l)
		}
	}

	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, sums); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d CSV rows, want header + 3", len(recs))
	}
	col := make(map[string]int)
	for i, h := range recs[0] {
		col[h] = i
	}
	if !slices.Equal(recs[0], report.CSVHeader()) {
		t.Errorf("header %v", recs[0])
	}
	get := func(row int, name string) string {
		i, ok := col[name]
		if !ok {
			t.Fatalf("no column %q", name)
		}
		return recs[row][i]
	}
	if get(1, "final_policy_quality_mean") != "0.6" || get(1, "diff_vs_baseline_mean") != "" ||
		get(1, "seeds") != "0 1 2" || get(1, "boundary") != "false" {
		t.Errorf("baseline row %v", recs[1])
	}
	if get(2, "condition") != "ensemble_3" || get(2, "diff_vs_baseline_n") != "3" ||
		!strings.HasPrefix(get(2, "diff_vs_baseline_ci95_lo"), "-0.14841") {
		t.Errorf("ensemble_3 row %v", recs[2])
	}
	if get(3, "boundary") != "true" || get(3, "final_policy_quality_std") != "0" {
		t.Errorf("frozen row %v", recs[3])
	}
}

func TestSingleSeed(t *testing.T) {
	runs, err := report.NewRuns(report.LoadOptions{}, flat([]string{"baseline", "meta_10"}, 7)...)
	if err != nil {
		t.Fatal(err)
	}
	sums := report.Summarize(runs)
	if s := sums[1]; !math.IsNaN(s.Final[report.PolicyQuality].Std) || s.VsBaseline == nil || !math.IsNaN(s.VsBaseline.Lo) {
		t.Errorf("single-seed summary %+v", s)
	}
	var md, c bytes.Buffer
	if err := report.WriteMarkdown(&md, sums); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteCSV(&c, sums); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "+0.000 (n=1)") || strings.Contains(md.String(), "NaN") || strings.Contains(c.String(), "NaN") {
		t.Errorf("single-seed rendering:\n%s\n%s", md.String(), c.String())
	}
}
