package jaxrand

import "math"

// Uniform returns n float32 values uniformly distributed in [lo, hi), as
// jax.random.uniform(key, (n,), jnp.float32, lo, hi). A value of n <= 0
// returns nil.
//
// Each value takes the top 23 bits b of a Bits32 word, forms the float32
// with bit pattern b | 0x3F800000 (a value f+1 in [1, 2)), and returns
// max(lo, f*(hi-lo) + lo), all in float32 arithmetic. (If XLA fuses the
// multiply-add into an FMA the last bit may differ for ranges where the
// product is inexact; for [0, 1) and for the range used by Normal the
// product is exact and there is no difference.)
func Uniform(key Key, n int, lo, hi float32, mode Mode) []float32 {
	b := Bits32(key, n, mode)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	scale := hi - lo
	for i, v := range b {
		f := math.Float32frombits(v>>9|0x3F800000) - 1
		out[i] = max(lo, float32(f*scale)+lo)
	}
	return out
}

// normalLo is nextafter(-1, 0) in float32, the lower bound JAX uses for
// the uniform draw behind a normal sample.
var normalLo = math.Nextafter32(-1, 0)

// sqrt2 is sqrt(2) rounded to float32.
const sqrt2 float32 = math.Sqrt2

// Normal returns n standard normal float32 values, as
// jax.random.normal(key, (n,), jnp.float32). A value of n <= 0 returns nil.
//
// It draws u = Uniform(key, n, nextafter(-1, 0), 1, mode) and returns
// sqrt(2) * ErfInv32(u) in float32, as JAX's _normal_real does.
func Normal(key Key, n int, mode Mode) []float32 {
	u := Uniform(key, n, normalLo, 1, mode)
	for i, v := range u {
		u[i] = sqrt2 * ErfInv32(v)
	}
	return u
}
