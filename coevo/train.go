package coevo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
)

// RunSpec names one run: a condition and a seed.
type RunSpec struct {
	Condition Condition
	Seed      int
}

// String names the run as "condition seed K".
func (s RunSpec) String() string { return fmt.Sprintf("%s seed %d", s.Condition.Name, s.Seed) }

// RunResult is a finished (or failed) run.
type RunResult struct {
	Spec    RunSpec
	Records []Record // iterations 0..Iterations
	Summary RunSummary
	// Err is set when the run stopped early (a NaN or Inf); Records then
	// hold the iterations finished before it.
	Err error
	// WallSeconds is the run's share of its batch's wall time.
	WallSeconds float64
	// FinalPolicy and FinalJudges are the weights at the end of the run.
	FinalPolicy Params
	FinalJudges []Params
	// JudgeUpdates counts each judge's Adam steps during co-evolution
	// (self-labelled, anchor and meta steps; a reset sets it back to zero).
	JudgeUpdates []int
	// MetaSteps counts the meta-judge's corrective steps, summed over judges.
	MetaSteps int
}

// Phase names what a Progress report is about.
type Phase string

// The phases of Lab.Run.
const (
	PhasePretrain Phase = "pretrain" // Done, Total in pretraining steps
	PhaseTrain    Phase = "train"    // Done, Total in run-steps (runs × inner steps)
)

// Progress reports how far Lab.Run has come.
type Progress struct {
	Phase       Phase
	Done, Total int
}

// RunOptions tune Lab.Run.
type RunOptions struct {
	// Progress, if set, is called after every step.
	Progress func(Progress)
}

// RunCondition runs one condition over seeds, all stacked in one batch.
func (lab *Lab) RunCondition(ctx context.Context, cond Condition, seeds []int, opts RunOptions) ([]RunResult, error) {
	specs := make([]RunSpec, len(seeds))
	for i, s := range seeds {
		specs[i] = RunSpec{cond, s}
	}
	return lab.Run(ctx, specs, opts)
}

// Validate checks a run's condition and seed.
func (s RunSpec) Validate() error {
	if err := s.Condition.Knobs.Validate(); err != nil {
		return fmt.Errorf("condition %s: %w", s.Condition.Name, err)
	}
	if s.Seed < 0 {
		return fmt.Errorf("condition %s: %w", s.Condition.Name, &FieldError{"seed", s.Seed, "must be zero or a positive integer"})
	}
	return nil
}

// Run advances all specs together, stacked in one batch: one graph
// execution per inner step for all of them. Each run draws its random
// numbers from its own streams, and the stacked products are computed so
// that each run's sums do not depend on the stack (see stackEinsum), so what
// a run computes depends only on its condition, seed, the Lab's config and
// the backend, not on the other runs of the batch: on the pure-Go backend
// its numbers are those of the run alone, bit for bit. (One exception:
// meta-judges with different holdout fractions in one batch share a holdout
// padded to the largest, which changes the last bits of the smaller ones.)
// A run that meets a NaN or Inf stops with RunResult.Err set (naming
// condition, seed, iteration and step) while the others finish; Run then
// also returns the joined errors.
func (lab *Lab) Run(ctx context.Context, specs []RunSpec, opts RunOptions) ([]RunResult, error) {
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return nil, err
		}
		if k := s.Condition.Knobs; k.MetaOn() && lab.World.MetaHoldoutSize(k.MetaHoldoutFraction) < 1 {
			return nil, fmt.Errorf("condition %s: %w", s.Condition.Name, &FieldError{"meta_holdout_fraction", k.MetaHoldoutFraction,
				fmt.Sprintf("must leave at least one held-out pair: at least 1/%d for a world of %d sequences", lab.World.Size, lab.World.Size)})
		}
	}
	if len(specs) == 0 {
		return nil, nil
	}
	start := time.Now()
	b, err := lab.newBatch(ctx, specs, opts.Progress)
	if err != nil {
		return nil, err
	}
	if err := b.run(ctx, opts.Progress); err != nil {
		return nil, err
	}
	wall := time.Since(start).Seconds() / float64(len(specs))
	var errs []error
	for i := range b.results {
		r := &b.results[i]
		r.WallSeconds = wall
		r.Summary = Summarize(r.Records)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return b.results, errors.Join(errs...)
}

// batch is the state of a stack of runs advancing together.
type batch struct {
	lab     *Lab
	specs   []RunSpec
	results []RunResult
	shape   stepShape

	policy, judges *adamTensors
	judgeRun       []int // run of each judge
	judgeIndex     []int // each judge's number within its run
	pretrained     []Params

	policyRNG, judgeRNG []*rand.Rand // per run
	anchorRNG           []*rand.Rand // per judge
	anchorPairs         []int        // n_a per judge, 0 without anchors

	static     []*tensors.Tensor // judge runs and reward averages
	metaPairs  []Pair            // the largest holdout of the batch's meta-judges
	metaTokens []*tensors.Tensor // its tokens [2M,L] and labels [M]
	lastMeta   []float64         // last meta accuracy per run, NaN before any
	failed     []bool
}

func (lab *Lab) newBatch(ctx context.Context, specs []RunSpec, progress func(Progress)) (*batch, error) {
	cfg, w := lab.Config, lab.World
	b := &batch{lab: lab, specs: specs, results: make([]RunResult, len(specs))}
	var keys []judgeKey
	for _, s := range specs {
		for j := range s.Condition.Knobs.NJudges {
			keys = append(keys, judgeKey{s.Seed, j})
		}
	}
	if err := lab.pretrain(ctx, keys, progress); err != nil {
		return nil, err
	}
	R, G := len(specs), len(keys)
	policies := make([]Params, R)
	metaPairs := 0
	for r, s := range specs {
		b.results[r].Spec = s
		policies[r] = NewPolicy(cfg, s.Seed)
		b.policyRNG = append(b.policyRNG, newStream(s.Seed, streamPolicySamples, 0))
		b.judgeRNG = append(b.judgeRNG, newStream(s.Seed, streamJudgeSamples, 0))
		if k := s.Condition.Knobs; k.MetaOn() {
			metaPairs = max(metaPairs, w.MetaHoldoutSize(k.MetaHoldoutFraction))
		}
		for j := range s.Condition.Knobs.NJudges {
			b.judgeRun = append(b.judgeRun, r)
			b.judgeIndex = append(b.judgeIndex, j)
			b.pretrained = append(b.pretrained, lab.judges[judgeKey{s.Seed, j}].Params)
			b.anchorRNG = append(b.anchorRNG, newStream(s.Seed, streamAnchors, j))
			na := 0
			if f := s.Condition.Knobs.AnchorFraction; f > 0 {
				na = anchorPairCount(cfg.Train.Batch, f)
			}
			b.anchorPairs = append(b.anchorPairs, na)
		}
	}
	policyLayout, judgeLayout := PolicyLayout(cfg.World.Vocab, cfg.Net), JudgeLayout(cfg.World.Vocab, cfg.Net)
	b.policy = newAdamTensors(policyLayout, policies)
	b.judges = newAdamTensors(judgeLayout, b.pretrained)
	b.shape = stepShape{
		Runs: R, Judges: G, Batch: cfg.Train.Batch, Length: cfg.World.Length,
		PolicyArrays: len(policyLayout), JudgeArrays: len(judgeLayout),
		ExactEntropy: cfg.Train.Entropy == EntropyExact,
		EntropyCoef:  cfg.Train.EntropyCoef, LearningRate: cfg.Train.LearningRate,
	}
	b.lastMeta = make([]float64, R)
	for r := range b.lastMeta {
		b.lastMeta[r] = math.NaN()
	}
	b.failed = make([]bool, R)
	b.buildStatic(metaPairs)
	return b, nil
}

// buildStatic makes the inputs that stay the same for every step: the run
// of each judge, the reward-averaging matrix and the meta-judge's pairs.
func (b *batch) buildStatic(metaPairs int) {
	R, G, L := b.shape.Runs, b.shape.Judges, b.shape.Length
	average := make([]float32, R*G)
	for g, r := range b.judgeRun {
		average[r*G+g] = 1 / float32(b.specs[r].Condition.Knobs.NJudges)
	}
	b.static = []*tensors.Tensor{stackIndices(b.judgeRun), tensors.FromFlatDataAndDimensions(average, R, G)}
	if metaPairs > 0 {
		w := b.lab.World
		b.metaPairs = w.MetaHoldout(metaPairs)
		toks := make([]int32, 2*metaPairs*L)
		labels := make([]float32, metaPairs)
		for i, p := range b.metaPairs {
			copy(toks[i*L:], w.tokenTable[p.A*L:(p.A+1)*L])
			copy(toks[(metaPairs+i)*L:], w.tokenTable[p.B*L:(p.B+1)*L])
			labels[i] = boolFloat(p.Label)
		}
		b.metaTokens = []*tensors.Tensor{
			tensors.FromFlatDataAndDimensions(toks, 2*metaPairs, L),
			tensors.FromFlatDataAndDimensions(labels, metaPairs),
		}
	}
}

// stackIndices makes a gather index tensor [n,1] of stack positions.
func stackIndices(idx []int) *tensors.Tensor {
	flat := make([]int32, len(idx))
	for i, v := range idx {
		flat[i] = int32(v)
	}
	return tensors.FromFlatDataAndDimensions(flat, len(idx), 1)
}

// anchorPairCount is n_a = max(1, ⌊B·f⌋), the anchor pairs per anchor step.
func anchorPairCount(batch int, fraction float64) int {
	return max(1, int(math.Floor(float64(batch)*fraction)))
}

func boolFloat(v bool) float32 {
	if v {
		return 1
	}
	return 0
}

// run performs every iteration of the batch, recording iteration 0 first.
func (b *batch) run(ctx context.Context, progress func(Progress)) error {
	cfg := b.lab.Config
	if err := b.record(0); err != nil {
		return err
	}
	total := len(b.specs) * cfg.Train.Iterations * cfg.Train.Steps
	done := 0
	for t := 1; t <= cfg.Train.Iterations; t++ {
		for s := 1; s <= cfg.Train.Steps; s++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := b.step(t, s); err != nil {
				return err
			}
			done += len(b.specs)
			if progress != nil {
				progress(Progress{Phase: PhaseTrain, Done: done, Total: total})
			}
		}
		if err := b.reset(t); err != nil {
			return err
		}
		if err := b.record(t); err != nil {
			return err
		}
	}
	return b.finish()
}

// dueJudges are the judges due for each kind of update at one inner step,
// and the step graph's shape that follows from them.
type dueJudges struct {
	shape                        stepShape
	self, selfRuns, anchor, meta []int // stack indices (selfRuns: their runs)
}

// due lists the judges due for updates at inner step s.
func (b *batch) due(s int) dueJudges {
	d := dueJudges{shape: b.shape}
	for g, r := range b.judgeRun {
		k := b.specs[r].Condition.Knobs
		if !k.Frozen && s%k.JudgeUpdateEvery == 0 {
			d.self, d.selfRuns = append(d.self, g), append(d.selfRuns, r)
			if b.anchorPairs[g] > 0 {
				d.anchor = append(d.anchor, g)
				// Room for B pairs, the most n_a = max(1, ⌊B·f⌋) can be, whatever
				// the batch holds: a judge with fewer pairs is padded with
				// pairs of weight 0, and padding to a fixed size keeps its sums,
				// and so its numbers, the same alone and in any batch.
				d.shape.AnchorPairs = b.shape.Batch
			}
		}
		if k.MetaOn() && s%k.MetaUpdateEvery == 0 {
			d.meta = append(d.meta, g)
		}
	}
	d.shape.SelfJudges, d.shape.AnchorJudges, d.shape.MetaJudges = len(d.self), len(d.anchor), len(d.meta)
	if len(d.meta) > 0 {
		d.shape.MetaPairs = len(b.metaPairs)
	}
	return d
}

// step builds one inner step's inputs from the runs' own random streams and
// the judges due for updates, executes the step graph and checks the losses.
func (b *batch) step(t, s int) error {
	defer b.lab.since(time.Now(), func(p *PhaseTimes) *time.Duration { return &p.Train })
	R, B, L := b.shape.Runs, b.shape.Batch, b.shape.Length
	w := b.lab.World
	uP := make([]float32, R*B*L)
	uJ := make([]float32, R*2*B*L)
	for r := range R {
		fillUniform(b.policyRNG[r], uP[r*B*L:(r+1)*B*L])
		fillUniform(b.judgeRNG[r], uJ[r*2*B*L:(r+1)*2*B*L])
	}
	args := append(b.policy.all(), b.judges.all()...)
	args = append(args,
		tensors.FromFlatDataAndDimensions(uP, R, B, L),
		tensors.FromFlatDataAndDimensions(uJ, R, 2*B, L))
	args = append(args, b.static...)

	due := b.due(s)
	sh, selfJudges, selfRuns, anchorJudges, metaJudges := due.shape, due.self, due.selfRuns, due.anchor, due.meta
	if len(selfJudges) > 0 {
		args = append(args, stackIndices(selfJudges), stackIndices(selfRuns))
	}
	if GA, NA := len(anchorJudges), sh.AnchorPairs; GA > 0 {
		toks := make([]int32, GA*2*NA*L)
		labels := make([]float32, GA*NA)
		weights := make([]float32, GA*NA)
		for i, g := range anchorJudges {
			rng := b.anchorRNG[g]
			for p := range b.anchorPairs[g] {
				a, c := rng.IntN(w.Size), rng.IntN(w.Size)
				copy(toks[(i*2*NA+p)*L:], w.tokenTable[a*L:(a+1)*L])
				copy(toks[(i*2*NA+NA+p)*L:], w.tokenTable[c*L:(c+1)*L])
				labels[i*NA+p] = boolFloat(w.Quality[a] > w.Quality[c])
				weights[i*NA+p] = 1
			}
		}
		args = append(args, stackIndices(anchorJudges),
			tensors.FromFlatDataAndDimensions(toks, GA, 2*NA, L),
			tensors.FromFlatDataAndDimensions(labels, GA, NA),
			tensors.FromFlatDataAndDimensions(weights, GA, NA))
	}
	if GM := len(metaJudges); GM > 0 {
		M := len(b.metaPairs)
		weights := make([]float32, GM*M)
		threshold := make([]float32, GM)
		for i, g := range metaJudges {
			k := b.specs[b.judgeRun[g]].Condition.Knobs
			for p := range w.MetaHoldoutSize(k.MetaHoldoutFraction) {
				weights[i*M+p] = 1
			}
			threshold[i] = float32(k.MetaAccuracyThreshold)
		}
		args = append(args, stackIndices(metaJudges))
		args = append(args, b.metaTokens...)
		args = append(args, tensors.FromFlatDataAndDimensions(weights, GM, M), tensors.FromFlatDataAndDimensions(threshold, GM))
	}
	e, err := b.lab.exec(sh, sh.build)
	if err != nil {
		return fmt.Errorf("iteration %d step %d: %w", t, s, err)
	}
	out, err := e.Call(args)
	if err != nil {
		return fmt.Errorf("iteration %d step %d: %w", t, s, err)
	}
	np, nj := b.policy.len(), b.judges.len()
	b.policy.replace(out[:np])
	b.judges.replace(out[np : np+nj])
	extra := out[np+nj:]
	defer func() {
		for _, x := range extra {
			_ = x.FinalizeAll()
		}
	}()
	policyLoss := tensors.MustCopyFlatData[float32](extra[outPolicyLoss])
	judgeLoss := tensors.MustCopyFlatData[float32](extra[outJudgeLoss])
	for r := range R {
		if !b.failed[r] && !finite32(policyLoss[r]) {
			b.fail(r, fmt.Errorf("%s: policy loss %v at iteration %d step %d", b.specs[r], policyLoss[r], t, s))
		}
	}
	for g, r := range b.judgeRun {
		if !b.failed[r] && !finite32(judgeLoss[g]) {
			b.fail(r, fmt.Errorf("%s: judge %d loss %v at iteration %d step %d", b.specs[r], b.judgeIndex[g], judgeLoss[g], t, s))
		}
	}
	if len(metaJudges) > 0 {
		acc := tensors.MustCopyFlatData[float32](extra[outMetaAccuracy])
		fired := tensors.MustCopyFlatData[float32](extra[outMetaFired])
		sum := make([]float64, R)
		due := make([]bool, R)
		for _, g := range metaJudges {
			r := b.judgeRun[g]
			sum[r] += float64(acc[g])
			due[r] = true
			b.results[r].MetaSteps += int(fired[g])
		}
		for r, spec := range b.specs {
			if due[r] {
				b.lastMeta[r] = sum[r] / float64(spec.Condition.Knobs.NJudges)
			}
		}
	}
	return nil
}

// fail stops recording run r; the stack keeps computing it (its numbers
// cannot reach the other runs), but nothing more of it is kept.
func (b *batch) fail(r int, err error) {
	b.failed[r] = true
	b.results[r].Err = err
}

// reset returns the judges of runs with reset_every R to their pretrained
// weights and a fresh Adam state after iteration t when t mod R = 0.
func (b *batch) reset(t int) error {
	for g, r := range b.judgeRun {
		if k := b.specs[r].Condition.Knobs; k.ResetEvery > 0 && t%k.ResetEvery == 0 {
			if err := b.judges.reset(g, b.pretrained[g]); err != nil {
				return fmt.Errorf("%s: reset judge %d after iteration %d: %w", b.specs[r], b.judgeIndex[g], t, err)
			}
		}
	}
	return nil
}

// record appends iteration t's exact diagnostics to every healthy run.
func (b *batch) record(t int) error {
	lab := b.lab
	defer lab.since(time.Now(), func(p *PhaseTimes) *time.Duration { return &p.Diagnostics })
	logProb, scores, err := lab.score(b.policy.params(), b.judges.params())
	if err != nil {
		return fmt.Errorf("diagnostics of iteration %d: %w", t, err)
	}
	judgesOf := make([][][]float64, len(b.specs))
	for g, r := range b.judgeRun {
		judgesOf[r] = append(judgesOf[r], scores[g])
	}
	for r, spec := range b.specs {
		if b.failed[r] {
			continue
		}
		if !allFinite(logProb[r]) || !allFinite(judgesOf[r]...) {
			b.fail(r, fmt.Errorf("%s: non-finite weights at the end of iteration %d", spec, t))
			continue
		}
		d, err := lab.World.Diagnose(logProb[r], meanRows(judgesOf[r]))
		if err != nil {
			return fmt.Errorf("%s: iteration %d: %w", spec, t, err)
		}
		if bad := d.nonFinite(); bad != "" {
			// A judge that scores every sequence alike has no rank
			// correlation: the run cannot be recorded, like a NaN loss.
			b.fail(r, fmt.Errorf("%s: %s is %v at the end of iteration %d", spec, bad, d.field(bad), t))
			continue
		}
		rec := Record{
			Condition: spec.Condition.Name, Seed: spec.Seed, Iteration: t,
			PolicyQuality: d.PolicyQuality, JudgeAlignment: d.JudgeAlignment,
			PolicyEntropy: d.PolicyEntropy, JudgePerceivedQuality: d.JudgePerceivedQuality,
			Mode: lab.World.Render(d.Mode), ModeProbability: d.ModeProbability,
		}
		if spec.Condition.Knobs.MetaOn() && !math.IsNaN(b.lastMeta[r]) {
			acc := b.lastMeta[r]
			rec.MetaJudgeAccuracy = &acc
		}
		b.results[r].Records = append(b.results[r].Records, rec)
	}
	return nil
}

// finish copies the final weights and judge step counts into the results.
func (b *batch) finish() error {
	cfg := b.lab.Config
	steps, err := b.judges.stepCounts()
	if err != nil {
		return err
	}
	policyLayout, judgeLayout := PolicyLayout(cfg.World.Vocab, cfg.Net), JudgeLayout(cfg.World.Vocab, cfg.Net)
	for r := range b.specs {
		p, err := unstackParams(policyLayout, b.policy.params(), r)
		if err != nil {
			return err
		}
		b.results[r].FinalPolicy = p
	}
	for g, r := range b.judgeRun {
		j, err := unstackParams(judgeLayout, b.judges.params(), g)
		if err != nil {
			return err
		}
		b.results[r].FinalJudges = append(b.results[r].FinalJudges, j)
		b.results[r].JudgeUpdates = append(b.results[r].JudgeUpdates, steps[g])
	}
	return nil
}

func allFinite(rows ...[]float64) bool {
	for _, row := range rows {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	return true
}
