package coevo

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/compute/dtypes"
)

// stepShape fixes one compiled inner-step graph: the sizes of the stack and
// which optional parts (anchors, meta-judge) it contains. Runs whose knobs
// switch a part off simply mask it.
type stepShape struct {
	Runs, Judges   int // R stacked runs, G stacked judges (Σ of the runs' n_judges)
	Batch, Length  int
	Vocab          int
	PolicyArrays   int // len(PolicyLayout)
	JudgeArrays    int // len(JudgeLayout)
	AnchorPairs    int // most anchor pairs of any judge; 0 leaves anchors out
	MetaPairs      int // largest meta holdout; 0 leaves the meta-judge out
	ExactEntropy   bool
	EntropyCoef    float64
	LearningRate   float64
	EnumerateTotal int // K^L, used by the exact entropy term
}

// stepInputs are the per-step inputs after the two Adam states.
type stepInputs struct {
	PolicyUniforms *Node // [R,B,L]
	JudgeUniforms  *Node // [R,2B,L]
	JudgeRun       *Node // [G,1] int32: the run each judge belongs to
	RewardAverage  *Node // [R,G]: mean over a run's judges
	SelfMask       *Node // [G] bool: the judge takes its self-labelled step
	AnchorTokens   *Node // [G,2·NA,L] int32: pairs (a then b)
	AnchorLabels   *Node // [G,NA]
	AnchorWeights  *Node // [G,NA]: 1 for the judge's n_a pairs, 0 for padding
	AnchorMask     *Node // [G] bool
	MetaTokens     *Node // [2·M,L] int32: the held-out pairs (a then b)
	MetaLabels     *Node // [M]
	MetaWeights    *Node // [G,M]: 1 for the pairs of the judge's holdout
	MetaMask       *Node // [G] bool: the meta-judge checks this step
	MetaThreshold  *Node // [G]
}

func (sh stepShape) readInputs(nodes []*Node) stepInputs {
	var in stepInputs
	next := func() *Node { n := nodes[0]; nodes = nodes[1:]; return n }
	in.PolicyUniforms, in.JudgeUniforms, in.JudgeRun, in.RewardAverage, in.SelfMask = next(), next(), next(), next(), next()
	if sh.AnchorPairs > 0 {
		in.AnchorTokens, in.AnchorLabels, in.AnchorWeights, in.AnchorMask = next(), next(), next(), next()
	}
	if sh.MetaPairs > 0 {
		in.MetaTokens, in.MetaLabels, in.MetaWeights, in.MetaMask, in.MetaThreshold = next(), next(), next(), next(), next()
	}
	return in
}

// Step outputs after the two Adam states, in order.
const (
	outPolicyLoss = iota // [R]
	outJudgeLoss         // [G], the self-labelled loss
	outMetaAccuracy      // [G], held-out accuracy when measured
	outMetaFired         // [G], 1 when the meta-judge stepped
	outRewardMean        // [R], mean judge reward of the policy batch
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

	// 1. Sample the policy batch and reward it with the mean of the run's judges.
	pol := newPolicyNodes(policy.Params)
	tokens, logProb := pol.sample(in.PolicyUniforms)
	jn := newJudgeNodes(judges.Params)
	scores := jn.score(Gather(tokens, in.JudgeRun))
	rewards := StopGradient(Einsum("rg,gb->rb", in.RewardAverage, scores))

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

	// 3. Self-labelled judge step on two fresh batches from the updated policy.
	fresh, _ := newPolicyNodes(policy.Params).sample(in.JudgeUniforms)
	fresh = StopGradient(Gather(fresh, in.JudgeRun)) // [G,2B,L]
	sa, sb := jn.pairScores(fresh)
	selfLabels := StopGradient(ConvertDType(GreaterThan(sa, sb), dtypes.Float32))
	selfLoss := ReduceMean(pairLoss(sa, sb, selfLabels), -1)
	judges = adamStep(judges, Gradient(ReduceAllSum(selfLoss), judges.Params...), in.SelfMask, sh.LearningRate)

	// 4. Ground-truth anchor step right after the self-labelled one.
	if sh.AnchorPairs > 0 {
		aa, ab := newJudgeNodes(judges.Params).pairScores(in.AnchorTokens)
		loss := weightedMean(pairLoss(aa, ab, in.AnchorLabels), in.AnchorWeights)
		judges = adamStep(judges, Gradient(ReduceAllSum(loss), judges.Params...), in.AnchorMask, sh.LearningRate)
	}

	// 5. Meta-judge: measure held-out accuracy, step only below threshold.
	G := sh.Judges
	metaAccuracy, metaFired := Zeros(g, shapeF32(G)), Zeros(g, shapeF32(G))
	if sh.MetaPairs > 0 {
		m := sh.MetaPairs
		toks := BroadcastToDims(ExpandAxes(in.MetaTokens, 0), G, 2*m, sh.Length)
		labels := BroadcastToDims(ExpandAxes(in.MetaLabels, 0), G, m)
		sa, sb := newJudgeNodes(judges.Params).pairScores(toks)
		agree := ConvertDType(Equal(ConvertDType(GreaterThan(sa, sb), dtypes.Float32), labels), dtypes.Float32)
		metaAccuracy = weightedMean(agree, in.MetaWeights)
		fire := LogicalAnd(in.MetaMask, LessThan(metaAccuracy, in.MetaThreshold))
		metaFired = ConvertDType(fire, dtypes.Float32)
		loss := weightedMean(pairLoss(sa, sb, labels), in.MetaWeights)
		judges = adamStep(judges, Gradient(ReduceAllSum(loss), judges.Params...), fire, sh.LearningRate)
	}

	out := append(policy.flatten(), judges.flatten()...)
	extra := make([]*Node, numStepOutputs)
	extra[outPolicyLoss] = policyLoss
	extra[outJudgeLoss] = selfLoss
	extra[outMetaAccuracy] = metaAccuracy
	extra[outMetaFired] = metaFired
	extra[outRewardMean] = ReduceMean(rewards, -1)
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

// weightedMean averages x [G,N] over its last axis with weights w [G,N]
// (rows of zero weight give 0).
func weightedMean(x, w *Node) *Node {
	return Div(ReduceSum(Mul(x, w), -1), MaxScalar(ReduceSum(w, -1), 1e-12))
}
