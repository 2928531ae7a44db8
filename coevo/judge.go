package coevo

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
)

// The judge is a GRU that reads x_0..x_{L−1} from a zero state; a dense
// layer maps the final state to an unbounded score J(x).

// JudgeLayout lists the judge's weights: embedding K×E, the GRU cell, score
// kernel H and bias. With the default sizes it has 4,897 numbers.
func JudgeLayout(vocab int, net NetConfig) Layout {
	l := Layout{{"judge/embedding", []int{vocab, net.Embed}}}
	l = append(l, gruLayout(net.Embed, net.Hidden)...)
	return append(l,
		ParamSpec{"judge/score_kernel", []int{net.Hidden}},
		ParamSpec{"judge/score_bias", []int{}})
}

// NewJudge draws the initial weights of judge number j of seed. Like
// NewPolicy, it returns Params with no values for an invalid cfg.
func NewJudge(cfg Config, seed, j int) Params {
	if cfg.Validate() != nil {
		return Params{}
	}
	rng := newStream(seed, streamJudgeInit, j)
	K, E, H := cfg.World.Vocab, cfg.Net.Embed, cfg.Net.Hidden
	v := [][]float32{normalInit(rng, K*E, 1/float64(E))}
	v = append(v, gruInit(rng, E, H)...)
	v = append(v, lecunNormal(rng, H, H), make([]float32, 1))
	return Params{Layout: JudgeLayout(K, cfg.Net), Values: v}
}

// judgeNodes are a stack of S judges in a graph.
type judgeNodes struct {
	Emb      *Node // [S, K, E]
	Cell     gruNodes
	Wd, Bd   *Node // [S, H], [S]
	inputTab *Node // [S, K, 3H]
}

func newJudgeNodes(n []*Node) *judgeNodes {
	j := &judgeNodes{Emb: n[0], Cell: newGRUNodes(n[1:5]), Wd: n[5], Bd: n[6]}
	j.inputTab = j.Cell.inputTable(j.Emb)
	return j
}

// readout maps final states [S,N,H] to scores [S,N].
func (j *judgeNodes) readout(h *Node) *Node {
	return Add(stackEinsum("snh,sh->sn", h, j.Wd), ExpandAxes(j.Bd, 1))
}

// score returns J(x) [S,N] of sequences tokens [S,N,L].
func (j *judgeNodes) score(tokens *Node) *Node {
	S, N, L := tokens.Shape().Dim(0), tokens.Shape().Dim(1), tokens.Shape().Dim(2)
	H := j.Cell.Wh.Shape().Dim(1)
	h := Zeros(tokens.Graph(), shapeF32(S, N, H))
	for t := range L {
		tok := Squeeze(SliceAxis(tokens, 2, AxisElem(t)), -1)
		h = j.Cell.step(project(j.inputTab, tok), h)
	}
	return j.readout(h)
}

// enumerate returns J(x) [S, K^L] for every sequence in lexicographic
// order, walking the prefix tree (Σ_{t=1..L} K^t cell updates).
func (j *judgeNodes) enumerate(length int) *Node {
	S, K := j.inputTab.Shape().Dim(0), j.inputTab.Shape().Dim(1)
	H := j.Cell.Wh.Shape().Dim(1)
	h := Zeros(j.Emb.Graph(), shapeF32(S, 1, H))
	for range length {
		prefixes := h.Shape().Dim(1)
		h = Reshape(BroadcastToDims(ExpandAxes(h, 2), S, prefixes, K, H), S, prefixes*K, H)
		xi := Reshape(BroadcastToDims(ExpandAxes(j.inputTab, 1), S, prefixes, K, 3*H), S, prefixes*K, 3*H)
		h = j.Cell.step(xi, h)
	}
	return j.readout(h)
}

func shapeF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }
