package coevo

import (
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
)

// The GRU cell follows Flax's GRUCell:
//
//	r  = σ(W_ir e + b_ir + W_hr h)
//	z  = σ(W_iz e + b_iz + W_hz h)
//	n  = tanh(W_in e + b_in + r ⊙ (W_hn h + b_hn))
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// The three gates' kernels are stored side by side, [r | z | n], so that one
// matrix product computes all three projections.

// gruLayout lists the cell's weights: input kernels E×3H with biases 3H,
// recurrent kernels H×3H and the n-gate's recurrent bias H.
func gruLayout(embed, hidden int) Layout {
	return Layout{
		{"gru/input_kernel", []int{embed, 3 * hidden}},
		{"gru/input_bias", []int{3 * hidden}},
		{"gru/recurrent_kernel", []int{hidden, 3 * hidden}},
		{"gru/recurrent_bias_n", []int{hidden}},
	}
}

// gruInit draws the cell's weights: LeCun normal input kernels, orthogonal
// recurrent kernels (one per gate), zero biases.
func gruInit(rng *rand.Rand, embed, hidden int) [][]float32 {
	in := make([]float32, embed*3*hidden)
	rec := make([]float32, hidden*3*hidden)
	for g := range 3 {
		block := lecunNormal(rng, embed*hidden, embed)
		for e := range embed {
			copy(in[e*3*hidden+g*hidden:], block[e*hidden:(e+1)*hidden])
		}
		q := orthogonal(rng, hidden)
		for i := range hidden {
			copy(rec[i*3*hidden+g*hidden:], q[i*hidden:(i+1)*hidden])
		}
	}
	return [][]float32{in, make([]float32, 3*hidden), rec, make([]float32, hidden)}
}

// gruNodes are a stack of S cells' weights in a graph: Wi [S,E,3H],
// Bi [S,3H], Wh [S,H,3H], Bhn [S,H].
type gruNodes struct{ Wi, Bi, Wh, Bhn *Node }

func newGRUNodes(n []*Node) gruNodes { return gruNodes{n[0], n[1], n[2], n[3]} }

// inputTable folds an embedding table [S,V,E] into the cell's input
// projection: row v of the result [S,V,3H] is W_i·emb(v) + b_i. A token's
// input projection is then a lookup instead of two products.
func (c gruNodes) inputTable(emb *Node) *Node {
	return Add(stackEinsum("sve,seg->svg", emb, c.Wi), ExpandAxes(c.Bi, 1))
}

// project looks the input projections [S,N,3H] of tokens [S,N] up in table.
func project(table, tokens *Node) *Node {
	oneHot := OneHot(tokens, table.Shape().Dim(1), dtypes.Float32)
	return stackEinsum("snv,svg->sng", oneHot, table)
}

// step advances states h [S,N,H] by one cell update with input projections
// xi [S,N,3H].
func (c gruNodes) step(xi, h *Node) *Node {
	H := h.Shape().Dim(-1)
	hh := stackEinsum("snh,shg->sng", h, c.Wh)
	gate := func(x *Node, g int) *Node { return SliceAxis(x, -1, AxisRange(g*H, (g+1)*H)) }
	// r and z share one sigmoid over their 2H columns.
	rz := Sigmoid(Add(SliceAxis(xi, -1, AxisRange(0, 2*H)), SliceAxis(hh, -1, AxisRange(0, 2*H))))
	r, z := gate(rz, 0), gate(rz, 1)
	n := Tanh(Add(gate(xi, 2), Mul(r, Add(gate(hh, 2), ExpandAxes(c.Bhn, 1)))))
	return Add(Mul(OneMinus(z), n), Mul(z, h))
}
