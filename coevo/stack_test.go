package coevo

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // GoMLX's graph package is written for dot import.
	"github.com/gomlx/gomlx/core/tensors"
)

// A stack of 30 GRU recurrent products [128,32]×[32,96] is too large for one
// small kernel, so stackEinsum cuts it; each matrix of the result, and of the
// gradients, must equal the product of that matrix alone, bit for bit.
func TestStackEinsumMatchesEachMatrixAlone(t *testing.T) {
	lab := testLab(t)
	const S, N, H, G = 30, 128, 32, 96
	if S*N*H*G < smallKernelFlops {
		t.Fatal("the stack fits one small kernel: the test would not cut it")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	h, w := random(S*N*H), random(S*H*G)
	// out = h·w, and the gradients of Σ out² with respect to h and w.
	e, err := NewExec(lab.Backend.Backend, func(h, w *Node) (out, dh, dw *Node) {
		out = stackEinsum("snh,shg->sng", h, w)
		grads := Gradient(ReduceAllSum(Square(out)), h, w)
		return out, grads[0], grads[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	call := func(s0, s1 int) [][]float32 {
		res, err := e.Call(tensors.FromFlatDataAndDimensions(h[s0*N*H:s1*N*H], s1-s0, N, H),
			tensors.FromFlatDataAndDimensions(w[s0*H*G:s1*H*G], s1-s0, H, G))
		if err != nil {
			t.Fatal(err)
		}
		out := make([][]float32, len(res))
		for i, r := range res {
			out[i] = tensors.MustCopyFlatData[float32](r)
		}
		return out
	}
	all := call(0, S)
	sizes := []int{N * G, N * H, H * G}
	for _, s := range []int{0, 11, 29} {
		alone := call(s, s+1)
		for k, name := range []string{"product", "gradient in h", "gradient in w"} {
			stacked := all[k][s*sizes[k] : (s+1)*sizes[k]]
			for i := range alone[k] {
				if math.Float32bits(alone[k][i]) != math.Float32bits(stacked[i]) {
					t.Fatalf("matrix %d, %s, entry %d: %v alone, %v in the stack of %d", s, name, i, alone[k][i], stacked[i], S)
				}
			}
		}
	}
}
