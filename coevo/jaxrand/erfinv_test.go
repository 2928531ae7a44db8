package jaxrand

import (
	"math"
	"testing"
)

// ulpDiff returns the distance between a and b in units in the last place
// of float32 (0 for a == b, including +0 and -0).
func ulpDiff(a, b float32) int64 {
	ord := func(f float32) int64 {
		i := int64(int32(math.Float32bits(f)))
		if i < 0 {
			i = math.MinInt32 - i
		}
		return i
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

// erfInvRef returns erfinv(x) to nearly float64 precision. Go's
// math.Erfinv is accurate to about 1e-15 relative; for |x| >= 0.5 it is
// refined by two Newton steps on erf(y) = x written as
// (1-|x|) - erfc(y) = 0, where 1-|x| is exact for float32 x and erfc keeps
// full relative precision, so the reference stays sharp up to 1-2^-24.
func erfInvRef(x float64) float64 {
	a := math.Abs(x)
	y := math.Erfinv(a)
	if a >= 0.5 && !math.IsInf(y, 0) {
		for range 2 {
			y -= ((1 - a) - math.Erfc(y)) / (2 / math.SqrtPi * math.Exp(-y*y))
		}
	}
	return math.Copysign(y, x)
}

// erfInvTailStart is the smallest float32 x for which XLA's formula takes
// the tail branch (w = -log1p(-x*x) >= 5); the largest central-branch input
// is the float32 just below it. Computed once from the formula in ErfInv32.
const erfInvTailStart float32 = 0.99662536

func TestErfInv32Points(t *testing.T) {
	points := []float32{
		1e-30, 1e-6, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5,
		0.6, 0.7, 0.8, 0.9, 0.95, 0.99,
	}
	for _, p := range points {
		for _, x := range []float32{p, -p} {
			want := float32(erfInvRef(float64(x)))
			if got := ErfInv32(x); ulpDiff(got, want) > 2 {
				t.Errorf("ErfInv32(%v) = %v, want %v within 2 ulp", x, got, want)
			}
		}
	}
}

// TestErfInv32Sweep bounds the error of Giles' approximation against the
// correctly rounded erfinv over a sample of all float32 inputs in
// [0, 0.99]. The measured maximum over a 1-in-13 sample of that range is
// 5 ulp (3 below 0.5, 4 below 0.9; most results are within 2).
// TestErfInv32Tail covers (0.99, 1) exhaustively.
func TestErfInv32Sweep(t *testing.T) {
	for b := uint32(0); b <= math.Float32bits(0.99); b += 4099 {
		x := math.Float32frombits(b)
		want := float32(erfInvRef(float64(x)))
		if got := ErfInv32(x); ulpDiff(got, want) > 5 {
			t.Fatalf("ErfInv32(%v) = %v, want %v within 5 ulp", x, got, want)
		}
	}
}

// TestErfInv32Tail checks every float32 input in (0.99, 1) and (-1, -0.99),
// the end of the central branch and the whole tail branch (|x| >=
// erfInvTailStart), up to the largest float32 below 1.
//
// Giles' single-precision approximation is not within 2 ulp of erfinv(x)
// there, and a bit-exact port must not be: XLA's formula starts from the
// float32 product x*x, whose rounding error (up to 2^-25) is large relative
// to 1-x*x near 1. The measured maximum error against erfinv(x) is 8 ulp at
// the end of the central branch (x = 0.9952378) and 65 ulp (64.7 ulp
// unrounded) in the tail (x = 0.99982744). Against erfinv(sqrt(fl32(x*x))),
// the exact function of the rounded input the formula sees, the polynomial
// evaluation itself is within 3 ulp of the rounded reference (at most 2.57
// ulp from the unrounded one) over this whole range. Both measured maxima
// are the bounds tested, so a change in the evaluation that loses accuracy
// fails here.
func TestErfInv32Tail(t *testing.T) {
	var maxExact, maxRounded int64
	for b := math.Float32bits(0.99) + 1; b < math.Float32bits(1); b++ {
		for _, x := range []float32{math.Float32frombits(b), -math.Float32frombits(b)} {
			got := ErfInv32(x)
			exact := float32(erfInvRef(float64(x)))
			rounded := float32(erfInvRef(math.Copysign(math.Sqrt(float64(x*x)), float64(x))))
			bound := int64(65)
			if math.Abs(float64(x)) < float64(erfInvTailStart) {
				bound = 8
			}
			de, dr := ulpDiff(got, exact), ulpDiff(got, rounded)
			if de > bound || dr > 3 {
				t.Fatalf("ErfInv32(%v) = %v: %d ulp from erfinv(x) = %v (bound %d), %d ulp from erfinv(sqrt(fl32(x*x))) = %v (bound 3)",
					x, got, de, exact, bound, dr, rounded)
			}
			maxExact, maxRounded = max(maxExact, de), max(maxRounded, dr)
		}
	}
	t.Logf("max error over |x| in (0.99, 1): %d ulp from erfinv(x), %d ulp from erfinv(sqrt(fl32(x*x)))", maxExact, maxRounded)
}

// TestErfInv32Pinned pins the exact float32 bits ErfInv32 returns at a few
// points of each branch, including both sides of the branch switch and the
// largest float32 below 1. These are regression pins of this port's
// XLA-order evaluation (float32 rounding after every operation, no FMA),
// recorded from ErfInv32 itself, not values from an external source: they
// catch any change in evaluation order or rounding, which the ulp bounds
// above would let through. The function is odd, so -x must give the same
// bits with the sign bit set.
func TestErfInv32Pinned(t *testing.T) {
	for _, tc := range []struct {
		x    float32
		bits uint32
	}{
		{0, 0x00000000},
		{1e-30, 0x0d8fcc6c},
		// Central branch.
		{0.5, 0x3ef430fe},
		{0.9, 0x3f94e009},
		{0.99, 0x3fe92333},
		{math.Nextafter32(erfInvTailStart, 0), 0x4004a8a1},
		// Tail branch.
		{erfInvTailStart, 0x4004a8b1},
		{0.999, 0x4014e999},
		{1 - 0x1p-24, 0x407547ca},
	} {
		if got := math.Float32bits(ErfInv32(tc.x)); got != tc.bits {
			t.Errorf("ErfInv32(%v) bits = %#08x, want %#08x", tc.x, got, tc.bits)
		}
		if got, want := math.Float32bits(ErfInv32(-tc.x)), tc.bits|1<<31; got != want {
			t.Errorf("ErfInv32(%v) bits = %#08x, want %#08x", -tc.x, got, want)
		}
	}
}

func TestErfInv32Special(t *testing.T) {
	if got := ErfInv32(0); got != 0 || math.Signbit(float64(got)) {
		t.Errorf("ErfInv32(0) = %v", got)
	}
	if got := ErfInv32(float32(math.Copysign(0, -1))); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("ErfInv32(-0) = %v, want -0", got)
	}
	if got := ErfInv32(1); !math.IsInf(float64(got), 1) {
		t.Errorf("ErfInv32(1) = %v, want +Inf", got)
	}
	if got := ErfInv32(-1); !math.IsInf(float64(got), -1) {
		t.Errorf("ErfInv32(-1) = %v, want -Inf", got)
	}
	for _, x := range []float32{1.5, -2, float32(math.NaN())} {
		if got := ErfInv32(x); !math.IsNaN(float64(got)) {
			t.Errorf("ErfInv32(%v) = %v, want NaN", x, got)
		}
	}
	for b := uint32(1); b < 0x3f800000; b += 65537 {
		x := math.Float32frombits(b)
		if ErfInv32(-x) != -ErfInv32(x) {
			t.Fatalf("ErfInv32(-%v) != -ErfInv32(%v)", x, x)
		}
	}
}
