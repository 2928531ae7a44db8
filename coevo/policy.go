package coevo

import (
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/gomlx/core/tensors"
)

// The policy is an autoregressive GRU over tokens. At position t its input
// is the embedding of the previous token (a start token, row K of the
// embedding table, at t = 0); its state starts at zero; a dense layer maps
// the state to K logits. log π(x) = Σ_t log softmax(logits_t)[x_t].

// PolicyLayout lists the policy's weights: embedding (K+1)×E, the GRU cell,
// output kernel H×K and bias K. With the default sizes it has 5,144 numbers.
func PolicyLayout(vocab int, net NetConfig) Layout {
	l := Layout{{"policy/embedding", []int{vocab + 1, net.Embed}}}
	l = append(l, gruLayout(net.Embed, net.Hidden)...)
	return append(l,
		ParamSpec{"policy/output_kernel", []int{net.Hidden, vocab}},
		ParamSpec{"policy/output_bias", []int{vocab}})
}

// NewPolicy draws a policy's initial weights for seed (Flax defaults:
// embeddings N(0, 1/E), LeCun normal input and output kernels, orthogonal
// recurrent kernels, zero biases).
//
// An invalid cfg (see Config.Validate) gives Params with no values, which
// every Lab method refuses with an error naming the layout.
func NewPolicy(cfg Config, seed int) Params {
	if cfg.Validate() != nil {
		return Params{}
	}
	rng := newStream(seed, streamPolicyInit, 0)
	K, E, H := cfg.World.Vocab, cfg.Net.Embed, cfg.Net.Hidden
	v := [][]float32{normalInit(rng, (K+1)*E, 1/float64(E))}
	v = append(v, gruInit(rng, E, H)...)
	v = append(v, lecunNormal(rng, H*K, H), make([]float32, K))
	return Params{Layout: PolicyLayout(K, cfg.Net), Values: v}
}

// policyNodes are a stack of S policies in a graph.
type policyNodes struct {
	Emb      *Node // [S, K+1, E]
	Cell     gruNodes
	Wo, Bo   *Node // [S, H, K], [S, K]
	inputTab *Node // [S, K+1, 3H], the folded input projections
}

func newPolicyNodes(n []*Node) *policyNodes {
	p := &policyNodes{Emb: n[0], Cell: newGRUNodes(n[1:5]), Wo: n[5], Bo: n[6]}
	p.inputTab = p.Cell.inputTable(p.Emb)
	return p
}

func (p *policyNodes) vocab() int { return p.Wo.Shape().Dim(-1) }

// logSoftmax returns the next-token log-probabilities [S,N,K] of states h.
func (p *policyNodes) logSoftmax(h *Node) *Node {
	logits := Add(stackEinsum("snh,shk->snk", h, p.Wo), ExpandAxes(p.Bo, 1))
	return LogSoftmax(logits, -1)
}

// sample draws sequences ancestrally with inverse-CDF sampling of the
// uniforms u [S,N,L]: tokens [S,N,L] (int32, no gradient) and their
// log-probabilities log π(x) [S,N] (differentiable in the weights).
func (p *policyNodes) sample(u *Node) (tokens, logProb *Node) {
	S, N, L := u.Shape().Dim(0), u.Shape().Dim(1), u.Shape().Dim(2)
	K := p.vocab()
	g := u.Graph()
	H := p.Cell.Wh.Shape().Dim(1)
	h := Zeros(g, shapeF32(S, N, H))
	prev := BroadcastToDims(Scalar(g, dtypes.Int32, K), S, N) // the start token
	steps := make([]*Node, L)
	upper := upperTriangular(g, K)
	for t := range L {
		h = p.Cell.step(project(p.inputTab, prev), h)
		logp := p.logSoftmax(h)
		cdf := Einsum("snk,kj->snj", StopGradient(Exp(logp)), upper) // cumulative sums by a K×K product, cheaper than CumSum here
		// The token is the number of CDF entries at or below u·total. Scaling
		// u by the float32 total (which may round a little below 1) keeps the
		// threshold inside the distribution, and "at or below" skips tokens
		// of zero probability, whose CDF entry equals the previous one.
		total := SliceAxis(cdf, -1, AxisElem(K-1))
		ut := Mul(SliceAxis(u, 2, AxisElem(t)), total) // [S,N,1]
		tok := ReduceSum(ConvertDType(GreaterOrEqual(ut, cdf), dtypes.Int32), -1)
		tok = MinScalar(tok, K-1) // u < 1, so only rounding in u·total can reach K
		chosen := ReduceSum(Mul(logp, OneHot(tok, K, dtypes.Float32)), -1)
		if logProb == nil {
			logProb = chosen
		} else {
			logProb = Add(logProb, chosen)
		}
		steps[t] = ExpandAxes(tok, -1)
		prev = tok
	}
	return Concatenate(steps, -1), logProb
}

// logProb scores given sequences tokens [S,N,L] by teacher forcing:
// log π(x) [S,N].
func (p *policyNodes) logProb(tokens *Node) *Node {
	S, N, L := tokens.Shape().Dim(0), tokens.Shape().Dim(1), tokens.Shape().Dim(2)
	K := p.vocab()
	g := tokens.Graph()
	H := p.Cell.Wh.Shape().Dim(1)
	h := Zeros(g, shapeF32(S, N, H))
	prev := BroadcastToDims(Scalar(g, dtypes.Int32, K), S, N)
	var total *Node
	for t := range L {
		h = p.Cell.step(project(p.inputTab, prev), h)
		tok := Squeeze(SliceAxis(tokens, 2, AxisElem(t)), -1)
		chosen := ReduceSum(Mul(p.logSoftmax(h), OneHot(tok, K, dtypes.Float32)), -1)
		if total == nil {
			total = chosen
		} else {
			total = Add(total, chosen)
		}
		prev = tok
	}
	return total
}

// enumerate returns log π(x) [S, K^L] for every sequence, in lexicographic
// order. It walks the prefix tree: level t holds the K^t prefixes of length
// t, so the GRU runs Σ_t K^t times (585 for K=8, L=4) rather than L·K^L.
func (p *policyNodes) enumerate(length int) *Node {
	S := p.Emb.Shape().Dim(0)
	K := p.vocab()
	g := p.Emb.Graph()
	H := p.Cell.Wh.Shape().Dim(1)
	h := Zeros(g, shapeF32(S, 1, H))
	xi := SliceAxis(p.inputTab, 1, AxisElem(K)) // start token, [S,1,3H]
	var logProb *Node                           // [S, prefixes]
	for t := range length {
		h = p.Cell.step(xi, h)
		logp := p.logSoftmax(h) // [S, K^t, K]
		prefixes := h.Shape().Dim(1)
		if logProb != nil {
			logp = Add(logp, ExpandAxes(logProb, -1))
		}
		logProb = Reshape(logp, S, prefixes*K)
		if t == length-1 {
			break
		}
		// Each prefix's K children: the state repeated K times, and the
		// input projection of each token.
		h = Reshape(BroadcastToDims(ExpandAxes(h, 2), S, prefixes, K, H), S, prefixes*K, H)
		tokenXi := SliceAxis(p.inputTab, 1, AxisRange(0, K)) // [S,K,3H]
		xi = Reshape(BroadcastToDims(ExpandAxes(tokenXi, 1), S, prefixes, K, 3*H), S, prefixes*K, 3*H)
	}
	return logProb
}

// upperTriangular is the K×K matrix with ones on and above the diagonal:
// p·U is the running sum of p.
func upperTriangular(g *Graph, K int) *Node {
	flat := make([]float32, K*K)
	for i := range K {
		for j := i; j < K; j++ {
			flat[i*K+j] = 1
		}
	}
	return Const(g, tensors.FromFlatDataAndDimensions(flat, K, K))
}

// greedy decodes [S] sequences by taking the most probable token at each
// position (the first on ties): tokens [S,1,L] int32.
func (p *policyNodes) greedy(length int) *Node {
	S := p.Emb.Shape().Dim(0)
	g := p.Emb.Graph()
	H := p.Cell.Wh.Shape().Dim(1)
	h := Zeros(g, shapeF32(S, 1, H))
	prev := BroadcastToDims(Scalar(g, dtypes.Int32, p.vocab()), S, 1)
	steps := make([]*Node, length)
	for t := range length {
		h = p.Cell.step(project(p.inputTab, prev), h)
		prev = ArgMax(p.logSoftmax(h), -1, dtypes.Int32)
		steps[t] = ExpandAxes(prev, -1)
	}
	return Concatenate(steps, -1)
}
