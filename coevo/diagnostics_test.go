package coevo

import (
	"math"
	"testing"
)

func TestSpearmanHandComputed(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 0.8207826816681233},
		// Ties: ranks of a = 1, 2.5, 2.5, 4; of b = 1, 2, 3, 4.
		// Pearson of the ranks = 4.5 / sqrt(4.5·5) = 0.9486832980505138.
		{[]float64{10, 20, 20, 30}, []float64{1, 2, 3, 4}, 0.9486832980505138},
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, -1},
		{[]float64{3, 1, 2}, []float64{30, 10, 20}, 1},
	}
	for _, c := range cases {
		if got := Spearman(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Spearman(%v, %v) = %.16f, want %.16f", c.a, c.b, got, c.want)
		}
	}
	if got := Spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); !math.IsNaN(got) {
		t.Errorf("Spearman of a constant = %v, want NaN", got)
	}
}

func TestRanksAverageTies(t *testing.T) {
	got := ranks([]float64{5, 1, 5, 3, 5})
	want := []float64{4, 1, 4, 2, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranks = %v, want %v", got, want)
		}
	}
}

func TestGreedyDecodeFollowsConditionals(t *testing.T) {
	// K=2, L=2: π(00)=0.3 π(01)=0.1 π(10)=0.35 π(11)=0.25. The first token
	// 1 has mass 0.6, so greedy picks 1 then 0 (index 2), while the
	// joint's argmax is also 10; change π(00) to 0.38, π(10) to 0.27: then
	// the first token 1 still has 0.52 but the joint argmax is 00.
	if got, err := GreedyDecode([]float64{0.3, 0.1, 0.35, 0.25}, 2, 2); err != nil || got != 2 {
		t.Errorf("greedy = %d, want 2", got)
	}
	if got, err := GreedyDecode([]float64{0.38, 0.1, 0.27, 0.25}, 2, 2); err != nil || got != 2 {
		t.Errorf("greedy = %d, want 2 (the conditional argmax, not the joint's)", got)
	}
}

func TestDiagnoseUniformPolicy(t *testing.T) {
	w, _ := NewWorld(DefaultConfig().World)
	logProb := make([]float64, w.Size)
	for i := range logProb {
		logProb[i] = -math.Log(float64(w.Size))
	}
	d, err := w.Diagnose(logProb, w.Quality)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.PolicyEntropy-math.Log(4096)) > 1e-9 {
		t.Errorf("entropy of the uniform policy = %v, want ln 4096 = %v", d.PolicyEntropy, math.Log(4096))
	}
	if d.JudgeAlignment != 1 {
		t.Errorf("alignment of q* with itself = %v", d.JudgeAlignment)
	}
	var mean float64
	for _, q := range w.Quality {
		mean += q / 4096
	}
	if math.Abs(d.PolicyQuality-mean) > 1e-9 || math.Abs(d.JudgePerceivedQuality-mean) > 1e-9 {
		t.Errorf("quality %v perceived %v, want the mean q* %v", d.PolicyQuality, d.JudgePerceivedQuality, mean)
	}
}

// Mismatched inputs are errors (or NaN for Spearman), never panics.
func TestDiagnosticsRefuseMismatchedInputs(t *testing.T) {
	w, _ := NewWorld(DefaultConfig().World)
	if _, err := w.Diagnose(make([]float64, 10), w.Quality); err == nil {
		t.Error("Diagnose accepted 10 log-probabilities for 4096 sequences")
	}
	if _, err := w.Diagnose(make([]float64, w.Size), w.Quality[:5]); err == nil {
		t.Error("Diagnose accepted 5 judge scores for 4096 sequences")
	}
	for _, c := range []struct {
		n, vocab, length int
	}{{4, 0, 2}, {4, 2, 0}, {5, 2, 2}, {0, 2, 2}} {
		if _, err := GreedyDecode(make([]float64, c.n), c.vocab, c.length); err == nil {
			t.Errorf("GreedyDecode accepted %d probabilities for vocabulary %d, length %d", c.n, c.vocab, c.length)
		}
	}
	if got := Spearman([]float64{1, 2, 3}, []float64{1, 2}); !math.IsNaN(got) {
		t.Errorf("Spearman of slices of lengths 3 and 2 = %v, want NaN", got)
	}
	if err := w.Decode(w.Size, make([]int, 4)); err == nil {
		t.Error("Decode accepted index 4096")
	}
	if err := w.Decode(0, make([]int, 3)); err == nil {
		t.Error("Decode accepted room for 3 tokens")
	}
	if got := w.Render(-1); got != "" {
		t.Errorf("Render(-1) = %q, want empty", got)
	}
	if got := w.MetaHoldout(-3); len(got) != 0 {
		t.Errorf("MetaHoldout(-3) gave %d pairs", len(got))
	}
}

func TestInvalidConfigGivesEmptyWeights(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Net.Hidden = -1
	if p := NewPolicy(cfg, 0); len(p.Values) != 0 {
		t.Errorf("NewPolicy with hidden size -1 gave %d arrays", len(p.Values))
	}
	if p := NewJudge(cfg, 0, 0); len(p.Values) != 0 {
		t.Errorf("NewJudge with hidden size -1 gave %d arrays", len(p.Values))
	}
}
