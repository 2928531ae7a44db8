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

func TestErfInv32Points(t *testing.T) {
	points := []float32{
		1e-30, 1e-6, 0.001, 0.01, 0.1, 0.2, 0.3, 0.4, 0.5,
		0.6, 0.7, 0.8, 0.9, 0.95, 0.99,
	}
	for _, p := range points {
		for _, x := range []float32{p, -p} {
			want := float32(math.Erfinv(float64(x)))
			if got := ErfInv32(x); ulpDiff(got, want) > 2 {
				t.Errorf("ErfInv32(%v) = %v, want %v within 2 ulp", x, got, want)
			}
		}
	}
}

// TestErfInv32Sweep bounds the error of Giles' approximation over a sample
// of all float32 inputs in [0, 1). Up to |x| = 0.99 the result is within
// 5 ulp of the correctly rounded erfinv (almost always within 2). Closer to
// 1 the rounding of x*x dominates (XLA's formula has it too), so there the
// reference is erfinv(sqrt(fl32(x*x))).
func TestErfInv32Sweep(t *testing.T) {
	for b := uint32(0); b < 0x3f800000; b += 4099 {
		x := math.Float32frombits(b)
		got := ErfInv32(x)
		if x <= 0.99 {
			want := float32(math.Erfinv(float64(x)))
			if ulpDiff(got, want) > 5 {
				t.Fatalf("ErfInv32(%v) = %v, want %v within 5 ulp", x, got, want)
			}
			continue
		}
		want := math.Erfinv(math.Sqrt(float64(x * x)))
		if r := math.Abs(float64(got)/want - 1); r > 1e-6 {
			t.Fatalf("ErfInv32(%v) = %v, want %v (relative error %g)", x, got, want, r)
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
