package coevo

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
)

// Adam's constants, as in the reference experiment (Optax defaults).
const (
	AdamBeta1   = 0.9
	AdamBeta2   = 0.999
	AdamEpsilon = 1e-8
)

// adamState is a stack of S networks' weights with their Adam moments and
// step counts, as graph nodes.
type adamState struct {
	Params, M, V []*Node
	Step         *Node // [S] float32, updates taken so far
}

// adamStep takes one bias-corrected Adam step (no weight decay) with
// gradients grads. Only the networks whose mask entry is true move: the
// others keep their weights, moments and step count bit for bit. A nil mask
// steps all of them.
func adamStep(s adamState, grads []*Node, mask *Node, learningRate float64) adamState {
	step := AddScalar(s.Step, 1)
	// Bias corrections 1 − β^t per network, shaped [S] then broadcast.
	bc1 := OneMinus(Pow(ConstAs(step, AdamBeta1), step))
	bc2 := OneMinus(Pow(ConstAs(step, AdamBeta2), step))
	out := adamState{Params: make([]*Node, len(s.Params)), M: make([]*Node, len(s.Params)), V: make([]*Node, len(s.Params))}
	for i, p := range s.Params {
		g := grads[i]
		m := Add(MulScalar(s.M[i], AdamBeta1), MulScalar(g, 1-AdamBeta1))
		v := Add(MulScalar(s.V[i], AdamBeta2), MulScalar(Square(g), 1-AdamBeta2))
		mHat := Div(m, alignPrefix(bc1, p))
		vHat := Div(v, alignPrefix(bc2, p))
		upd := Sub(p, MulScalar(Div(mHat, AddScalar(Sqrt(vHat), AdamEpsilon)), learningRate))
		if mask != nil {
			upd, m, v = Where(mask, upd, p), Where(mask, m, s.M[i]), Where(mask, v, s.V[i])
		}
		out.Params[i], out.M[i], out.V[i] = upd, m, v
	}
	if mask != nil {
		step = Where(mask, step, s.Step)
	}
	out.Step = step
	return out
}

// alignPrefix reshapes a per-network vector [S] to [S,1,...,1] with the rank
// of x, so that it broadcasts over x's trailing axes.
func alignPrefix(v, x *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = v.Shape().Dim(0)
	return Reshape(v, dims...)
}

// flatten concatenates node lists, for graph outputs.
func (s adamState) flatten() []*Node {
	out := append(append(append([]*Node{}, s.Params...), s.M...), s.V...)
	return append(out, s.Step)
}

// unflattenAdam reads an adamState of n weight arrays from the front of
// nodes and returns the rest.
func unflattenAdam(nodes []*Node, n int) (adamState, []*Node) {
	return adamState{Params: nodes[:n], M: nodes[n : 2*n], V: nodes[2*n : 3*n], Step: nodes[3*n]}, nodes[3*n+1:]
}
