package coevo

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
)

func TestPretrainingReachesTarget(t *testing.T) {
	lab := testLab(t)
	judges, err := lab.PretrainedJudges(context.Background(), 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range judges {
		if j.Alignment < 0.7 {
			t.Errorf("judge %d of seed 0 stopped at alignment %.3f", j.Index, j.Alignment)
		}
		if j.Steps%50 != 0 || len(j.History) != j.Steps/50 {
			t.Errorf("judge %d: %d steps with %d checks; checks come every 50 steps", j.Index, j.Steps, len(j.History))
		}
		for _, h := range j.History[:len(j.History)-1] {
			if h.Alignment >= 0.7 {
				t.Errorf("judge %d went on after reaching %.3f at step %d", j.Index, h.Alignment, h.Step)
			}
		}
		// Scoring the pretrained weights again gives the recorded alignment.
		d, _, err := lab.Evaluate(NewPolicy(lab.Config, 0), []Params{j.Params})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(d.JudgeAlignment-j.Alignment) > 1e-12 {
			t.Errorf("judge %d: alignment %.6f recorded, %.6f recomputed", j.Index, j.Alignment, d.JudgeAlignment)
		}
	}
	if judges[0].Params.Equal(judges[1].Params) {
		t.Error("two judges of one seed are identical: they should be initialised independently")
	}
}

func TestPretrainingFailsBelowTarget(t *testing.T) {
	base := testLab(t)
	cfg := base.Config
	cfg.Pretrain.MaxSteps, cfg.Pretrain.TargetAlignment = 100, 0.99
	lab, err := NewLab(cfg, base.Backend)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lab.PretrainedJudges(context.Background(), 0, 1)
	if err == nil || !regexp.MustCompile(`alignment -?\d\.\d{4} after 100 steps, below the target 0\.99`).MatchString(err.Error()) {
		t.Fatalf("pretraining to 0.99 in 100 steps: error %v, want one naming the alignment reached", err)
	}
}

func TestRecordsCoverEveryIteration(t *testing.T) {
	lab := shortLab(t, 2, 5)
	res := runOne(t, lab, RunSpec{mustCondition(t, "meta_1"), 0})[0]
	if len(res.Records) != 3 {
		t.Fatalf("%d records, want iterations 0, 1, 2", len(res.Records))
	}
	for i, r := range res.Records {
		if r.Iteration != i || r.Condition != "meta_1" || r.Seed != 0 {
			t.Errorf("record %d: %+v", i, r)
		}
		if r.PolicyEntropy <= 0 || r.PolicyEntropy > math.Log(4096)+1e-9 || r.ModeProbability <= 0 || r.Mode == "" {
			t.Errorf("record %d out of range: %+v", i, r)
		}
		if (r.MetaJudgeAccuracy == nil) != (i == 0) {
			t.Errorf("record %d: meta accuracy %v; want it from iteration 1 on", i, r.MetaJudgeAccuracy)
		}
	}
	// Iteration 0 is the untrained policy against the pretrained judge.
	judges, _ := lab.PretrainedJudges(context.Background(), 0, 1)
	d, _, err := lab.Evaluate(NewPolicy(lab.Config, 0), []Params{judges[0].Params})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Records[0]; r.PolicyQuality != d.PolicyQuality || r.JudgeAlignment != d.JudgeAlignment {
		t.Errorf("iteration 0 %+v, evaluation of the starting state %+v", r, d)
	}
}

func TestFrozenJudgeNeverChanges(t *testing.T) {
	lab := shortLab(t, 2, 5)
	res := runOne(t, lab, RunSpec{mustCondition(t, "frozen"), 0})[0]
	judges, _ := lab.PretrainedJudges(context.Background(), 0, 1)
	if !res.FinalJudges[0].Equal(judges[0].Params) || res.JudgeUpdates[0] != 0 {
		t.Errorf("frozen judge moved (%d updates)", res.JudgeUpdates[0])
	}
	if res.FinalPolicy.Equal(NewPolicy(lab.Config, 0)) {
		t.Error("the policy did not train")
	}
	for _, r := range res.Records {
		if r.JudgeAlignment != res.Records[0].JudgeAlignment {
			t.Errorf("frozen judge's alignment changed: %v → %v", res.Records[0].JudgeAlignment, r.JudgeAlignment)
		}
	}
}

func TestJudgeUpdateEveryCountsUpdates(t *testing.T) {
	lab := shortLab(t, 2, 10)
	res := runOne(t, lab,
		RunSpec{mustCondition(t, "baseline"), 0},
		RunSpec{mustCondition(t, "asymmetric_2"), 0},
		RunSpec{mustCondition(t, "asymmetric_5"), 1},
		RunSpec{mustCondition(t, "asymmetric_7"), 1})
	for i, want := range []int{20, 10, 4, 2} {
		if got := res[i].JudgeUpdates[0]; got != want {
			t.Errorf("%s: %d self-labelled updates over 2×10 steps, want %d", res[i].Spec, got, want)
		}
	}
}

func TestResetRestoresPretrainedJudge(t *testing.T) {
	lab := shortLab(t, 2, 5)
	judges, _ := lab.PretrainedJudges(context.Background(), 1, 3)
	c := mustCondition(t, "reinit_1")
	c.Knobs.NJudges = 3
	res := runOne(t, lab, RunSpec{c, 1}, RunSpec{mustCondition(t, "reinit_2"), 1}, RunSpec{mustCondition(t, "reinit_3"), 1})
	for j := range 3 {
		if !res[0].FinalJudges[j].Equal(judges[j].Params) || res[0].JudgeUpdates[j] != 0 {
			t.Errorf("reset every iteration: judge %d is not its pretrained self after the last iteration", j)
		}
	}
	if !res[1].FinalJudges[0].Equal(judges[0].Params) {
		t.Error("reinit_2: judge not reset after iteration 2")
	}
	if res[2].FinalJudges[0].Equal(judges[0].Params) || res[2].JudgeUpdates[0] != 10 {
		t.Errorf("reinit_3 over 2 iterations: judge reset too early (%d updates)", res[2].JudgeUpdates[0])
	}
	// The reset happens before the iteration's diagnostics.
	if res[1].Records[2].JudgeAlignment != res[1].Records[0].JudgeAlignment {
		t.Errorf("reinit_2: alignment after the reset %v, pretrained %v", res[1].Records[2].JudgeAlignment, res[1].Records[0].JudgeAlignment)
	}
}

func TestAnchorsAddSteps(t *testing.T) {
	lab := shortLab(t, 1, 6)
	if got := anchorPairCount(64, 0.05); got != 3 {
		t.Errorf("n_a(64, 0.05) = %d, want 3", got)
	}
	if got := anchorPairCount(64, 0.001); got != 1 {
		t.Errorf("n_a(64, 0.001) = %d, want at least 1", got)
	}
	asymAnchor := mustCondition(t, "anchor_0.1")
	asymAnchor.Name, asymAnchor.Knobs.JudgeUpdateEvery = "anchor_0.1_every_3", 3
	res := runOne(t, lab, RunSpec{mustCondition(t, "anchor_0.1"), 0}, RunSpec{asymAnchor, 0}, RunSpec{mustCondition(t, "baseline"), 0})
	if got := res[0].JudgeUpdates[0]; got != 12 {
		t.Errorf("anchor_0.1: %d judge steps over 6 inner steps, want 6 self-labelled + 6 anchor", got)
	}
	if got := res[1].JudgeUpdates[0]; got != 4 {
		t.Errorf("anchors with judge_update_every=3: %d judge steps, want 2 + 2", got)
	}
	if res[0].FinalJudges[0].Equal(res[2].FinalJudges[0]) {
		t.Error("anchor steps left the judge where the baseline's is")
	}
}

func TestMetaJudgeFiresOnlyBelowThreshold(t *testing.T) {
	lab := shortLab(t, 1, 10)
	never, always := mustCondition(t, "meta_1"), mustCondition(t, "meta_5")
	never.Name, never.Knobs.MetaAccuracyThreshold = "meta_never", 0
	always.Name, always.Knobs.MetaAccuracyThreshold = "meta_always", 1
	res := runOne(t, lab, RunSpec{never, 0}, RunSpec{always, 0}, RunSpec{mustCondition(t, "baseline"), 0})
	if res[0].MetaSteps != 0 || res[0].JudgeUpdates[0] != 10 {
		t.Errorf("threshold 0: %d meta steps, %d judge updates; want 0 and 10", res[0].MetaSteps, res[0].JudgeUpdates[0])
	}
	if !res[0].FinalJudges[0].Equal(res[2].FinalJudges[0]) {
		t.Error("a meta-judge that never fires changed the judge")
	}
	if res[1].MetaSteps != 2 || res[1].JudgeUpdates[0] != 12 {
		t.Errorf("threshold 1, every 5 steps: %d meta steps, %d judge updates; want 2 and 12", res[1].MetaSteps, res[1].JudgeUpdates[0])
	}
	acc := *res[1].Records[1].MetaJudgeAccuracy
	if acc <= 0.5 || acc >= 1 {
		t.Errorf("held-out accuracy %v of a judge aligned at 0.7", acc)
	}
}

func TestEnsembleAveragesJudges(t *testing.T) {
	lab := shortLab(t, 1, 3)
	res := runOne(t, lab, RunSpec{mustCondition(t, "ensemble_3"), 2})[0]
	judges, _ := lab.PretrainedJudges(context.Background(), 2, 3)
	params := []Params{judges[0].Params, judges[1].Params, judges[2].Params}
	d, _, err := lab.Evaluate(NewPolicy(lab.Config, 2), params)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Records[0].JudgeAlignment-d.JudgeAlignment) > 1e-12 {
		t.Errorf("ensemble alignment %v, Spearman of the 3 judges' mean %v", res.Records[0].JudgeAlignment, d.JudgeAlignment)
	}
	if len(res.FinalJudges) != 3 || res.JudgeUpdates[2] != 3 {
		t.Errorf("ensemble_3: %d judges, updates %v", len(res.FinalJudges), res.JudgeUpdates)
	}
}

func TestDeterminism(t *testing.T) {
	lab := shortLab(t, 2, 5)
	spec := RunSpec{mustCondition(t, "anchor_0.05"), 3}
	a, b := runOne(t, lab, spec)[0], runOne(t, shortLab(t, 2, 5), spec)[0]
	for i := range a.Records {
		if !recordsEqual(a.Records[i], b.Records[i], 0) {
			t.Errorf("iteration %d differs between two identical runs:\n%+v\n%+v", i, a.Records[i], b.Records[i])
		}
	}
}

// TestBatchedMatchesSingle runs several conditions stacked in one batch and
// some of them alone: a run's numbers, to the last bit, must not depend on
// its batch. The batch is large enough for the stacked products to be cut
// into chunks (14 runs, 17 judges, 5 meta-judges) and mixes anchor
// fractions, so the anchor steps' padding is exercised too.
func TestBatchedMatchesSingle(t *testing.T) {
	lab := shortLab(t, 2, 10)
	var specs []RunSpec
	for _, name := range []string{"baseline", "anchor_0.1", "anchor_0.05", "ensemble_3", "reinit_1", "frozen", "asymmetric_2", "meta_10"} {
		specs = append(specs, RunSpec{mustCondition(t, name), 0})
	}
	for seed := range 5 {
		specs = append(specs, RunSpec{mustCondition(t, "asym_meta_1"), seed})
	}
	specs = append(specs, RunSpec{mustCondition(t, "baseline"), 1})
	batched := runOne(t, lab, specs...)
	for _, i := range []int{0, 1, 2, 3, 9} {
		alone := runOne(t, lab, specs[i])[0]
		for k := range alone.Records {
			if !recordsEqual(alone.Records[k], batched[i].Records[k], 0) {
				t.Errorf("%s iteration %d:\nalone   %+v\nbatched %+v", specs[i], k, alone.Records[k], batched[i].Records[k])
			}
		}
		if !alone.FinalPolicy.Equal(batched[i].FinalPolicy) {
			t.Errorf("%s: the final policy differs alone and batched", specs[i])
		}
		for j := range alone.FinalJudges {
			if !alone.FinalJudges[j].Equal(batched[i].FinalJudges[j]) {
				t.Errorf("%s: judge %d differs alone and batched", specs[i], j)
			}
		}
	}
}

// TestPretrainingIndependentOfStack pretrains a judge alone and among 22
// (more than fit one small matrix kernel): the weights must be identical,
// so that every process, shard and batch starts a seed from the same judge.
func TestPretrainingIndependentOfStack(t *testing.T) {
	base := testLab(t)
	alone, err := NewLab(base.Config, base.Backend)
	if err != nil {
		t.Fatal(err)
	}
	if err := alone.pretrain(context.Background(), []judgeKey{{3, 1}}, nil); err != nil {
		t.Fatal(err)
	}
	stacked, err := NewLab(base.Config, base.Backend)
	if err != nil {
		t.Fatal(err)
	}
	var keys []judgeKey
	for seed := range 11 {
		keys = append(keys, judgeKey{seed, 0}, judgeKey{seed, 1})
	}
	if err := stacked.pretrain(context.Background(), keys, nil); err != nil {
		t.Fatal(err)
	}
	a, b := alone.judges[judgeKey{3, 1}], stacked.judges[judgeKey{3, 1}]
	if a.Steps != b.Steps || !a.Params.Equal(b.Params) {
		t.Errorf("judge 1 of seed 3: %d steps (alignment %v) alone, %d steps (alignment %v) among 25; weights equal: %v",
			a.Steps, a.Alignment, b.Steps, b.Alignment, a.Params.Equal(b.Params))
	}
	if len(keys) <= (smallKernelFlops-1)/(64*32*96) {
		t.Fatalf("%d judges fit one small kernel: the test would not cut the stack", len(keys))
	}
}

func recordsEqual(a, b Record, tol float64) bool {
	close := func(x, y float64) bool { return math.Abs(x-y) <= tol*(1+math.Abs(x)) }
	metaEqual := (a.MetaJudgeAccuracy == nil) == (b.MetaJudgeAccuracy == nil) &&
		(a.MetaJudgeAccuracy == nil || close(*a.MetaJudgeAccuracy, *b.MetaJudgeAccuracy))
	return a.Iteration == b.Iteration && a.Condition == b.Condition && a.Seed == b.Seed && a.Mode == b.Mode &&
		close(a.PolicyQuality, b.PolicyQuality) && close(a.JudgeAlignment, b.JudgeAlignment) &&
		close(a.PolicyEntropy, b.PolicyEntropy) && close(a.JudgePerceivedQuality, b.JudgePerceivedQuality) &&
		close(a.ModeProbability, b.ModeProbability) && metaEqual
}

func TestRunRefusesBadInput(t *testing.T) {
	lab := shortLab(t, 1, 1)
	bad := mustCondition(t, "baseline")
	bad.Knobs.NJudges = 0
	_, err := lab.Run(context.Background(), []RunSpec{{bad, 0}}, RunOptions{})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "n_judges" {
		t.Errorf("n_judges = 0: error %v", err)
	}
	_, err = lab.Run(context.Background(), []RunSpec{{mustCondition(t, "baseline"), -1}}, RunOptions{})
	if !errors.As(err, &fe) || fe.Field != "seed" {
		t.Errorf("seed −1: error %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := lab.Run(ctx, []RunSpec{{mustCondition(t, "baseline"), 0}}, RunOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: error %v", err)
	}
}

func TestNonFiniteStopsTheRun(t *testing.T) {
	base := testLab(t)
	if _, err := base.PretrainedJudges(context.Background(), 0, 1); err != nil { // at the usual learning rate
		t.Fatal(err)
	}
	cfg := base.Config
	cfg.Train.Iterations, cfg.Train.Steps = 2, 3
	cfg.Train.LearningRate = 1 // with β = 1e38 the policy loss overflows
	cfg.Train.EntropyCoef = 1e38
	lab, err := NewLab(cfg, base.Backend)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range base.judges {
		lab.judges[k] = v
	}
	res, err := lab.Run(context.Background(), []RunSpec{{mustCondition(t, "baseline"), 0}}, RunOptions{})
	if err == nil || len(res) != 1 || res[0].Err == nil {
		t.Fatal("a run with an overflowing loss finished without error")
	}
	for _, want := range []string{"baseline seed 0", "iteration 1", "step"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// TestExactEntropyKeepsEntropy: the sampled entropy term has zero expected
// gradient, the exact one does not. With a large β and learning rate, the
// exact regulariser holds the policy near maximum entropy while the sampled
// one lets the judge's reward pull it down.
func TestExactEntropyKeepsEntropy(t *testing.T) {
	base := testLab(t)
	entropyAfter := func(mode EntropyMode) float64 {
		cfg := base.Config
		cfg.Train.Iterations, cfg.Train.Steps = 1, 30
		cfg.Train.LearningRate, cfg.Train.EntropyCoef, cfg.Train.Entropy = 0.02, 0.5, mode
		lab, err := NewLab(cfg, base.Backend)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range base.judges {
			lab.judges[k] = v
		}
		res := runOne(t, lab, RunSpec{mustCondition(t, "frozen"), 0})[0]
		return res.Records[1].PolicyEntropy
	}
	sampled, exact := entropyAfter(EntropySampled), entropyAfter(EntropyExact)
	if !(exact > sampled+0.1) {
		t.Errorf("entropy after 30 steps: exact regulariser %.3f, sampled term %.3f; want exact clearly higher", exact, sampled)
	}
	t.Logf("entropy after 30 steps with β = 0.5: exact %.3f, sampled %.3f (max %.3f)", exact, sampled, math.Log(4096))
}

// TestDivergingRunStaysAlone poisons one run's judge with NaN weights: that
// run must fail, naming itself, and the other run of the batch must compute
// exactly what it computes alone.
func TestDivergingRunStaysAlone(t *testing.T) {
	lab := shortLab(t, 1, 4)
	specs := []RunSpec{{mustCondition(t, "baseline"), 0}, {mustCondition(t, "ensemble_3"), 1}}
	b, err := lab.newBatch(context.Background(), specs, nil)
	if err != nil {
		t.Fatal(err)
	}
	poison := b.pretrained[0].Clone()
	for i := range poison.Values {
		for k := range poison.Values[i] {
			poison.Values[i][k] = float32(math.NaN())
		}
	}
	if err := b.judges.reset(0, poison); err != nil {
		t.Fatal(err)
	}
	if err := b.run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if b.results[0].Err == nil || !strings.Contains(b.results[0].Err.Error(), "baseline seed 0") {
		t.Errorf("poisoned run: error %v", b.results[0].Err)
	}
	if b.results[1].Err != nil {
		t.Fatalf("healthy run failed too: %v", b.results[1].Err)
	}
	alone := runOne(t, lab, specs[1])[0]
	for k := range alone.Records {
		if !recordsEqual(alone.Records[k], b.results[1].Records[k], 0) {
			t.Errorf("iteration %d of the healthy run differs from the run alone:\n%+v\n%+v", k, alone.Records[k], b.results[1].Records[k])
		}
	}
}

func TestEmptyMetaHoldoutRefused(t *testing.T) {
	lab := shortLab(t, 1, 1)
	c := mustCondition(t, "meta_1")
	c.Knobs.MetaHoldoutFraction = 1e-5 // ⌊4096·1e-5⌋ = 0 pairs
	_, err := lab.Run(context.Background(), []RunSpec{{c, 0}}, RunOptions{})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "meta_holdout_fraction" {
		t.Errorf("a holdout of no pairs: error %v", err)
	}
}

func TestSummarizePeakAfterTheStart(t *testing.T) {
	recs := []Record{{Iteration: 0, PolicyQuality: 2}, {Iteration: 1, PolicyQuality: 1}, {Iteration: 2, PolicyQuality: 1.5}, {Iteration: 3, PolicyQuality: 0.5}}
	s := Summarize(recs)
	// The peak is iteration 2 (iteration 0, the untrained policy, does not
	// count); degradation = 100·(1.5 − 0.5)/1.5.
	if s.PeakIteration != 2 || s.PeakQuality != 1.5 || s.FinalQuality != 0.5 || math.Abs(s.DegradationPct-100.0/1.5) > 1e-6 {
		t.Errorf("Summarize = %+v", s)
	}
}

func TestTimesCoverEveryPhase(t *testing.T) {
	lab := shortLab(t, 1, 2)
	delete(lab.judges, judgeKey{7, 0}) // seed 7's judge is pretrained by this lab
	runOne(t, lab, RunSpec{mustCondition(t, "baseline"), 7})
	pt := lab.Times()
	if pt.Pretrain <= 0 || pt.Train <= 0 || pt.Diagnostics <= 0 {
		t.Errorf("times by phase %+v: every phase took time", pt)
	}
}
