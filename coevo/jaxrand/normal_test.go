package jaxrand

import (
	"math"
	"slices"
	"testing"
)

// Outputs of jax.random.normal printed in the JAX documentation for
// JAX < 0.5 (legacy layout); JAX prints the shortest decimal that
// round-trips, so the parsed float32 values are exact.
func TestNormalLegacyKnownAnswers(t *testing.T) {
	for _, tc := range []struct {
		seed uint64
		want []float32
	}{
		// jax.random.normal(jax.random.PRNGKey(42)) (a scalar).
		{42, []float32{-0.18471177}},
		// jax.random.normal(jax.random.PRNGKey(0), (3,)).
		{0, []float32{1.8160863, -0.48262316, 0.33988908}},
		// jax.random.normal(jax.random.PRNGKey(0), (10,)), JAX quickstart.
		{0, []float32{-0.3721109, 0.26423115, -0.18252768, -0.7368197, -0.44030377,
			-0.1521442, -0.67135346, -0.5908641, 0.73168886, 0.5673026}},
	} {
		k, _ := PRNGKey(tc.seed)
		if got := Normal(k, len(tc.want), Legacy); !slices.Equal(got, tc.want) {
			t.Errorf("Normal(PRNGKey(%d), %d, Legacy) = %v, want %v", tc.seed, len(tc.want), got, tc.want)
		}
	}
}

func TestUniformRange(t *testing.T) {
	k, _ := PRNGKey(7)
	for _, mode := range []Mode{Partitionable, Legacy} {
		for _, r := range [][2]float32{{0, 1}, {-3, 5}, {normalLo, 1}, {2, 2.5}} {
			u := Uniform(k, 10000, r[0], r[1], mode)
			if len(u) != 10000 {
				t.Fatalf("len = %d", len(u))
			}
			for _, v := range u {
				if !(v >= r[0] && v < r[1]) {
					t.Fatalf("%v: Uniform in [%v, %v) gave %v", mode, r[0], r[1], v)
				}
			}
		}
		b := Bits32(k, 100, mode)
		u := Uniform(k, 100, 0, 1, mode)
		for i := range u {
			if want := float32(b[i]>>9) / (1 << 23); u[i] != want {
				t.Fatalf("Uniform[%d] = %v, want %v", i, u[i], want)
			}
		}
	}
	if Uniform(k, 0, 0, 1, Legacy) != nil || Normal(k, -1, Legacy) != nil {
		t.Error("n <= 0 should give nil")
	}
}

func TestNormalMoments(t *testing.T) {
	k, _ := PRNGKey(123)
	const n = 100000
	for _, mode := range []Mode{Partitionable, Legacy} {
		x := Normal(k, n, mode)
		var s, s2 float64
		for _, v := range x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%v: non-finite sample %v", mode, v)
			}
			s += float64(v)
			s2 += float64(v) * float64(v)
		}
		mean := s / n
		std := math.Sqrt(s2/n - mean*mean)
		// 5 standard errors.
		if math.Abs(mean) > 5/math.Sqrt(n) || math.Abs(std-1) > 5/math.Sqrt(2*n) {
			t.Errorf("%v: mean %v, std %v", mode, mean, std)
		}
	}
}

func TestDeterminism(t *testing.T) {
	k, _ := PRNGKey(99)
	for _, mode := range []Mode{Partitionable, Legacy} {
		if !slices.Equal(Normal(k, 257, mode), Normal(k, 257, mode)) {
			t.Errorf("%v: Normal not deterministic", mode)
		}
		if !slices.Equal(Split(k, 5, mode), Split(k, 5, mode)) {
			t.Errorf("%v: Split not deterministic", mode)
		}
	}
	if slices.Equal(Normal(k, 8, Partitionable), Normal(k, 8, Legacy)) {
		t.Error("modes give the same normals")
	}
}
