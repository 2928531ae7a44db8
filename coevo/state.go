package coevo

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/tensors"
)

// adamTensors hold a stack of networks with their Adam moments and step
// counts between graph executions: the weight arrays, then the first
// moments, then the second moments, then the step counts [S].
type adamTensors struct {
	arrays int // len(Layout)
	t      []*tensors.Tensor
}

// newAdamTensors stacks nets with zero moments and zero step counts.
func newAdamTensors(l Layout, nets []Params) *adamTensors {
	zeros := make([]Params, len(nets))
	for i := range zeros {
		zeros[i] = zeroParams(l)
	}
	t := stackParams(l, nets)
	t = append(t, stackParams(l, zeros)...)
	t = append(t, stackParams(l, zeros)...)
	t = append(t, tensors.FromFlatDataAndDimensions(make([]float32, len(nets)), len(nets)))
	return &adamTensors{arrays: len(l), t: t}
}

func (a *adamTensors) len() int                   { return len(a.t) }
func (a *adamTensors) all() []*tensors.Tensor     { return append([]*tensors.Tensor(nil), a.t...) }
func (a *adamTensors) params() []*tensors.Tensor  { return a.t[:a.arrays] }
func (a *adamTensors) moments() []*tensors.Tensor { return a.t[a.arrays : 3*a.arrays] }
func (a *adamTensors) steps() *tensors.Tensor     { return a.t[3*a.arrays] }

// replace takes the new state from a step's outputs and frees the old one.
func (a *adamTensors) replace(out []*tensors.Tensor) {
	for i, old := range a.t {
		if old != out[i] {
			_ = old.FinalizeAll()
		}
	}
	a.t = append(a.t[:0], out...)
}

// reset returns network k to p with zero moments and a zero step count.
func (a *adamTensors) reset(k int, p Params) error {
	if err := assignStacked(a.params(), k, p); err != nil {
		return err
	}
	zero := zeroParams(p.Layout)
	moments := a.moments()
	if err := assignStacked(moments[:a.arrays], k, zero); err != nil {
		return err
	}
	if err := assignStacked(moments[a.arrays:], k, zero); err != nil {
		return err
	}
	return tensors.MutableFlatData[float32](a.steps(), func(flat []float32) { flat[k] = 0 })
}

// stepCounts returns each network's Adam step count.
func (a *adamTensors) stepCounts() ([]int, error) {
	flat, err := tensors.CopyFlatData[float32](a.steps())
	if err != nil {
		return nil, fmt.Errorf("read step counts: %w", err)
	}
	out := make([]int, len(flat))
	for i, f := range flat {
		out[i] = int(f)
	}
	return out, nil
}

func finite32(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }
