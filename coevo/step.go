package coevo

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
)

// stepShape fixes one compiled inner-step graph. Judge updates concern only
// the judges due for them at a step (a slow judge skips most steps, only some
// runs have anchors or a meta-judge), so the graph takes the stack indices of
// those judges as inputs and computes nothing for the others. Each distinct
// combination of counts is one compiled graph; a run of the grid uses a
// handful.
type stepShape struct {
	Runs, Judges  int // R stacked runs, G stacked judges (Σ of the runs' n_judges)
	Batch, Length int
	PolicyArrays  int // len(PolicyLayout)
	JudgeArrays   int // len(JudgeLayout)
	SelfJudges    int // GS judges taking a self-labelled step; 0 leaves the step out
	AnchorJudges  int // GA judges taking an anchor step
	AnchorPairs   int // NA, the pairs an anchor step has room for: always Batch (see batch.due)
	MetaJudges    int // GM judges checked by the meta-judge
	MetaPairs     int // M, largest meta holdout among them
	ExactEntropy  bool
	EntropyCoef   float64
	LearningRate  float64
}

// stepInputs are the per-step inputs after the two Adam states.
type stepInputs struct {
	PolicyUniforms *Node // [R,B,L]
	JudgeUniforms  *Node // [R,2B,L]
	JudgeRun       *Node // [G,1] int32: the run each judge belongs to
	RewardAverage  *Node // [R,G]: mean over a run's judges

	SelfJudges *Node // [GS,1] int32: stack index of each judge due for a self-labelled step
	SelfRuns   *Node // [GS,1] int32: its run

	AnchorJudges  *Node // [GA,1] int32
	AnchorTokens  *Node // [GA,2·NA,L] int32: pairs (a then b)
	AnchorLabels  *Node // [GA,NA] 1[q*(a) > q*(b)]
	AnchorWeights *Node // [GA,NA]: 1 for the judge's n_a pairs, 0 for padding

	MetaJudges    *Node // [GM,1] int32
	MetaTokens    *Node // [2·M,L] int32: the held-out pairs (a then b)
	MetaLabels    *Node // [M]
	MetaWeights   *Node // [GM,M]: 1 for the pairs of the judge's holdout
	MetaThreshold *Node // [GM]
}

func (sh stepShape) readInputs(nodes []*Node) stepInputs {
	var in stepInputs
	next := func() *Node { n := nodes[0]; nodes = nodes[1:]; return n }
	in.PolicyUniforms, in.JudgeUniforms, in.JudgeRun, in.RewardAverage = next(), next(), next(), next()
	if sh.SelfJudges > 0 {
		in.SelfJudges, in.SelfRuns = next(), next()
	}
	if sh.AnchorJudges > 0 {
		in.AnchorJudges, in.AnchorTokens, in.AnchorLabels, in.AnchorWeights = next(), next(), next(), next()
	}
	if sh.MetaJudges > 0 {
		in.MetaJudges, in.MetaTokens, in.MetaLabels, in.MetaWeights, in.MetaThreshold = next(), next(), next(), next(), next()
	}
	return in
}

// Step outputs after the two Adam states, in order.
const (
	outPolicyLoss   = iota // [R]
	outJudgeLoss           // [G], the judge's self-labelled, anchor and meta losses (0 when not due)
	outMetaAccuracy        // [G], held-out accuracy when measured
	outMetaFired           // [G], 1 when the meta-judge stepped
	numStepOutputs
)

// build is the inner step of the co-evolution loop for the whole stack:
// sample, reward, policy update, self-labelled judge update, anchor and meta
// steps. Inputs: policy Adam state, judge Adam state, then stepInputs.
// Outputs: the two new Adam states, then the numStepOutputs diagnostics.
func (sh stepShape) build(g *Graph, nodes []*Node) []*Node {
	policy, nodes := unflattenAdam(nodes, sh.PolicyArrays)
	judges, nodes := unflattenAdam(nodes, sh.JudgeArrays)
	in := sh.readInputs(nodes)
	G := sh.Judges
	zerosG := Zeros(g, shapeF32(G))

	// 1. Sample the policy batch and reward it with the mean of the run's judges.
	pol := newPolicyNodes(policy.Params)
	tokens, logProb := pol.sample(in.PolicyUniforms)
	scores := newJudgeNodes(judges.Params).score(Gather(tokens, in.JudgeRun))
	rewards := StopGradient(averageJudges(in.RewardAverage, scores))

	// 2. REINFORCE with a mean baseline, plus the entropy term.
	advantage := Sub(rewards, ReduceAndKeep(rewards, ReduceMean, -1))
	policyLoss := Neg(ReduceMean(Mul(advantage, logProb), -1))
	if sh.ExactEntropy {
		all := pol.enumerate(sh.Length)
		negEntropy := ReduceSum(Mul(Exp(all), all), -1)
		policyLoss = Add(policyLoss, MulScalar(negEntropy, sh.EntropyCoef))
	} else {
		policyLoss = Add(policyLoss, MulScalar(ReduceMean(logProb, -1), sh.EntropyCoef))
	}
	policy = adamStep(policy, Gradient(ReduceAllSum(policyLoss), policy.Params...), nil, sh.LearningRate)

	// 3. Self-labelled step of the due judges, on two fresh batches from the
	// updated policy, labelled by each judge before its step.
	judgeLoss := zerosG // every judge loss of the step, per judge, for the NaN check
	if sh.SelfJudges > 0 {
		fresh, _ := newPolicyNodes(policy.Params).sample(in.JudgeUniforms)
		fresh = StopGradient(Gather(fresh, in.SelfRuns)) // [GS,2B,L]
		sa, sb := newJudgeNodes(gatherStack(judges.Params, in.SelfJudges)).pairScores(fresh)
		labels := StopGradient(ConvertDType(GreaterThan(sa, sb), dtypes.Float32))
		loss := ReduceMean(pairLoss(sa, sb, labels), -1)
		judgeLoss = spread(loss, in.SelfJudges, G)
		judges = adamStep(judges, Gradient(ReduceSum(loss), judges.Params...), allOf(in.SelfJudges, G), sh.LearningRate)
	}

	// 4. Ground-truth anchor step right after the self-labelled one.
	if sh.AnchorJudges > 0 {
		aa, ab := newJudgeNodes(gatherStack(judges.Params, in.AnchorJudges)).pairScores(in.AnchorTokens)
		loss := weightedMean(pairLoss(aa, ab, in.AnchorLabels), in.AnchorWeights)
		judgeLoss = Add(judgeLoss, spread(loss, in.AnchorJudges, G))
		judges = adamStep(judges, Gradient(ReduceSum(loss), judges.Params...), allOf(in.AnchorJudges, G), sh.LearningRate)
	}

	// 5. Meta-judge: measure held-out accuracy, step only below threshold.
	metaAccuracy, metaFired := zerosG, zerosG
	if sh.MetaJudges > 0 {
		m, GM := sh.MetaPairs, sh.MetaJudges
		toks := BroadcastToDims(ExpandAxes(in.MetaTokens, 0), GM, 2*m, sh.Length)
		labels := BroadcastToDims(ExpandAxes(in.MetaLabels, 0), GM, m)
		sa, sb := newJudgeNodes(gatherStack(judges.Params, in.MetaJudges)).pairScores(toks)
		agree := ConvertDType(Equal(ConvertDType(GreaterThan(sa, sb), dtypes.Float32), labels), dtypes.Float32)
		accuracy := weightedMean(agree, in.MetaWeights)
		fire := ConvertDType(LessThan(accuracy, in.MetaThreshold), dtypes.Float32)
		metaAccuracy, metaFired = spread(accuracy, in.MetaJudges, G), spread(fire, in.MetaJudges, G)
		loss := weightedMean(pairLoss(sa, sb, labels), in.MetaWeights)
		judgeLoss = Add(judgeLoss, spread(Mul(loss, fire), in.MetaJudges, G))
		fired := GreaterThan(metaFired, ScalarZero(g, dtypes.Float32))
		judges = adamStep(judges, Gradient(ReduceSum(loss), judges.Params...), fired, sh.LearningRate)
	}

	out := append(policy.flatten(), judges.flatten()...)
	extra := make([]*Node, numStepOutputs)
	extra[outPolicyLoss] = policyLoss
	extra[outJudgeLoss] = judgeLoss
	extra[outMetaAccuracy] = metaAccuracy
	extra[outMetaFired] = metaFired
	return append(out, extra...)
}

// pairScores scores pairs given as tokens [S,2n,L], the n first sequences
// of each pair then the n second ones: J(a), J(b), each [S,n].
func (j *judgeNodes) pairScores(tokens *Node) (scoreA, scoreB *Node) {
	s := j.score(tokens)
	n := tokens.Shape().Dim(1) / 2
	return SliceAxis(s, 1, AxisRange(0, n)), SliceAxis(s, 1, AxisRange(n, 2*n))
}

// pairLoss is the binary cross-entropy of σ(J(a) − J(b)) against labels,
// per pair: softplus(d) − y·d, which is stable for any d.
func pairLoss(scoreA, scoreB, labels *Node) *Node {
	d := Sub(scoreA, scoreB)
	return Sub(Softplus(d), Mul(labels, d))
}

// weightedMean averages x [S,N] over its last axis with weights w [S,N]
// (rows of zero weight give 0).
func weightedMean(x, w *Node) *Node {
	return Div(ReduceSum(Mul(x, w), -1), MaxScalar(ReduceSum(w, -1), 1e-12))
}

// gatherStack selects the networks idx [n,1] of a stack, for every array.
// Gradients flow back to the stack through the gather.
func gatherStack(params []*Node, idx *Node) []*Node {
	out := make([]*Node, len(params))
	for i, p := range params {
		out[i] = Gather(p, idx)
	}
	return out
}

// spread places per-subset values x [n] at their stack positions idx [n,1]
// of a [size] vector, zero elsewhere. It selects rather than multiplies by
// a one-hot matrix, so that a NaN in one entry (a diverging run) stays at
// its own position instead of reaching every other (NaN·0 = NaN).
func spread(x, idx *Node, size int) *Node {
	n := x.Shape().Dim(0)
	hit := Equal(ExpandAxes(Squeeze(idx, -1), -1), Iota(x.Graph(), shapes.Make(dtypes.Int32, 1, size), 1)) // [n,size]
	picked := Where(hit, BroadcastToDims(ExpandAxes(x, -1), n, size), ZerosLike(BroadcastToDims(ExpandAxes(x, -1), n, size)))
	return ReduceSum(picked, 0)
}

// averageJudges computes each run's reward [R,B] as the mean of its judges'
// scores [G,B], with weights [R,G] (1/n_judges for a run's own judges, 0
// elsewhere). Like spread it selects before summing, so a diverging judge
// cannot turn other runs' rewards into NaN.
func averageJudges(weights, scores *Node) *Node {
	R, G, B := weights.Shape().Dim(0), weights.Shape().Dim(1), scores.Shape().Dim(1)
	w := BroadcastToDims(ExpandAxes(weights, -1), R, G, B)
	s := BroadcastToDims(ExpandAxes(scores, 0), R, G, B)
	own := GreaterThan(w, ZerosLike(w))
	return ReduceSum(Where(own, Mul(w, s), ZerosLike(s)), 1)
}

// allOf is the [size] mask that is true at the stack positions idx [n,1].
func allOf(idx *Node, size int) *Node {
	ones := OnesLike(ConvertDType(Squeeze(idx, -1), dtypes.Float32))
	return GreaterThan(spread(ones, idx, size), ScalarZero(idx.Graph(), dtypes.Float32))
}
