package jaxrand

import "math"

// Coefficients of XLA's single-precision ErfInv (M. Giles, "Approximating
// the erfinv function", GPU Computing Gems, 2010), highest degree first.
var (
	erfInvSmall = [9]float32{
		2.81022636e-08, 3.43273939e-07, -3.5233877e-06,
		-4.39150654e-06, 0.00021858087, -0.00125372503,
		-0.00417768164, 0.246640727, 1.50140941,
	}
	erfInvLarge = [9]float32{
		-0.000200214257, 0.000100950558, 0.00134934322,
		-0.00367342844, 0.00573950773, -0.0076224613,
		0.00943887047, 1.00167406, 2.83297682,
	}
)

// ErfInv32 returns the inverse error function of x computed as XLA
// evaluates lax.erf_inv for float32:
//
//	w = -log1p(-x*x)
//	if w < 5 { w -= 2.5; p = Horner(erfInvSmall, w) }
//	else     { w = sqrt(w) - 3; p = Horner(erfInvLarge, w) }
//	return p * x
//
// with every operation rounded to float32 (no fused multiply-add).
// ErfInv32(±1) is ±Inf, |x| > 1 gives NaN, and NaN gives NaN.
//
// Measured accuracy against erfinv(x): within 5 ulp for |x| <= 0.99 (3 ulp
// below 0.5). Closer to ±1 the float32 rounding of x*x, which XLA's formula
// shares, dominates: up to 8 ulp at the end of the central branch and 65
// ulp in the tail (|x| >= 0.99662536), while the result stays within 3 ulp
// of erfinv(sqrt(fl32(x*x))).
//
// log1p is evaluated in float64 and rounded to float32, which gives the
// correctly rounded float32 value in all but astronomically rare cases.
// XLA's own float32 log1p is an approximation accurate to about one ulp
// (a Cephes-style expansion on CPU, libdevice's log1pf on GPU), so in rare
// cases w, and occasionally the result, may differ from a given XLA
// backend by one ulp. Backends that contract the Horner steps into FMAs
// (as GPU code generation may) can differ in the last bit likewise.
func ErfInv32(x float32) float32 {
	if x == 1 || x == -1 {
		return float32(math.Inf(int(x)))
	}
	w := -float32(math.Log1p(float64(float32(-x * x))))
	c := &erfInvLarge
	if w < 5 {
		c = &erfInvSmall
		w -= 2.5
	} else {
		w = float32(math.Sqrt(float64(w))) - 3
	}
	p := c[0]
	for _, ci := range c[1:] {
		p = ci + float32(p*w)
	}
	return p * x
}
