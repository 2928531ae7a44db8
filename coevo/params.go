package coevo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"
)

// ParamSpec names one weight array of a network and gives its dimensions.
type ParamSpec struct {
	Name string
	Dims []int
}

// Size is the number of scalars in the array.
func (s ParamSpec) Size() int {
	n := 1
	for _, d := range s.Dims {
		n *= d
	}
	return n
}

// Layout is the ordered list of a network's weight arrays.
type Layout []ParamSpec

// Count is the network's number of parameters.
func (l Layout) Count() int {
	n := 0
	for _, s := range l {
		n += s.Size()
	}
	return n
}

// Params are one network's weights on the host, one flat row-major slice per
// entry of Layout.
type Params struct {
	Layout Layout
	Values [][]float32
}

// Clone returns a deep copy.
func (p Params) Clone() Params {
	c := Params{Layout: p.Layout, Values: make([][]float32, len(p.Values))}
	for i, v := range p.Values {
		c.Values[i] = append([]float32(nil), v...)
	}
	return c
}

// Equal reports whether two parameter sets hold identical numbers.
func (p Params) Equal(o Params) bool {
	if len(p.Values) != len(o.Values) {
		return false
	}
	for i := range p.Values {
		if len(p.Values[i]) != len(o.Values[i]) {
			return false
		}
		for j := range p.Values[i] {
			if math.Float32bits(p.Values[i][j]) != math.Float32bits(o.Values[i][j]) {
				return false
			}
		}
	}
	return true
}

// zeroParams returns all-zero weights of a layout (an Adam moment).
func zeroParams(l Layout) Params {
	p := Params{Layout: l, Values: make([][]float32, len(l))}
	for i, s := range l {
		p.Values[i] = make([]float32, s.Size())
	}
	return p
}

// stackParams stacks several networks of one layout on a new leading axis:
// entry i of the result has dimensions [len(nets), Layout[i].Dims...].
func stackParams(l Layout, nets []Params) []*tensors.Tensor {
	out := make([]*tensors.Tensor, len(l))
	for i, s := range l {
		flat := make([]float32, 0, len(nets)*s.Size())
		for _, n := range nets {
			flat = append(flat, n.Values[i]...)
		}
		out[i] = tensors.FromFlatDataAndDimensions(flat, append([]int{len(nets)}, s.Dims...)...)
	}
	return out
}

// unstackParams copies network k out of stacked tensors.
func unstackParams(l Layout, stacked []*tensors.Tensor, k int) (Params, error) {
	p := Params{Layout: l, Values: make([][]float32, len(l))}
	for i, s := range l {
		flat, err := tensors.CopyFlatData[float32](stacked[i])
		if err != nil {
			return p, fmt.Errorf("read %s: %w", s.Name, err)
		}
		n := s.Size()
		p.Values[i] = append([]float32(nil), flat[k*n:(k+1)*n]...)
	}
	return p, nil
}

// assignStacked overwrites network k of stacked tensors with p.
func assignStacked(stacked []*tensors.Tensor, k int, p Params) error {
	for i, s := range p.Layout {
		n := s.Size()
		err := tensors.MutableFlatData[float32](stacked[i], func(flat []float32) {
			copy(flat[k*n:(k+1)*n], p.Values[i])
		})
		if err != nil {
			return fmt.Errorf("write %s: %w", s.Name, err)
		}
	}
	return nil
}

// Initialisers, following Flax's defaults.

// normalInit fills n values with N(0, variance).
func normalInit(rng *rand.Rand, n int, variance float64) []float32 {
	v := make([]float32, n)
	sd := math.Sqrt(variance)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * sd)
	}
	return v
}

// truncatedNormalStd is the standard deviation of a standard normal
// truncated to [−2, 2]; LeCun normal divides by it so that the truncated
// draws keep variance 1/fan_in.
const truncatedNormalStd = 0.87962566103423978

// lecunNormal fills n values with a normal truncated at ±2σ and rescaled to
// variance 1/fanIn.
func lecunNormal(rng *rand.Rand, n, fanIn int) []float32 {
	v := make([]float32, n)
	scale := math.Sqrt(1/float64(fanIn)) / truncatedNormalStd
	for i := range v {
		x := rng.NormFloat64()
		for math.Abs(x) > 2 {
			x = rng.NormFloat64()
		}
		v[i] = float32(x * scale)
	}
	return v
}

// orthogonal returns a random n×n orthogonal matrix (row-major): the Q of a
// Gaussian matrix's QR decomposition, with signs fixed by R's diagonal so the
// result is uniformly (Haar) distributed.
func orthogonal(rng *rand.Rand, n int) []float32 {
	a := make([][]float64, n) // columns
	for j := range a {
		a[j] = make([]float64, n)
		for i := range a[j] {
			a[j][i] = rng.NormFloat64()
		}
	}
	// Modified Gram–Schmidt on the columns.
	for j := range n {
		for k := range j {
			dot := 0.0
			for i := range n {
				dot += a[k][i] * a[j][i]
			}
			for i := range n {
				a[j][i] -= dot * a[k][i]
			}
		}
		norm := 0.0
		for i := range n {
			norm += a[j][i] * a[j][i]
		}
		norm = math.Sqrt(norm)
		for i := range n {
			a[j][i] /= norm // R's diagonal is positive by construction.
		}
	}
	out := make([]float32, n*n)
	for i := range n {
		for j := range n {
			out[i*n+j] = float32(a[j][i])
		}
	}
	return out
}
