package report

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Stat is the mean and spread of a quantity over seeds.
type Stat struct {
	Mean float64 // arithmetic mean; NaN when N = 0
	Std  float64 // sample standard deviation (divisor N−1); NaN when N < 2
	N    int     // number of values
}

// MeanStd returns the mean and sample standard deviation of x.
func MeanStd(x []float64) Stat {
	s := Stat{Mean: math.NaN(), Std: math.NaN(), N: len(x)}
	if len(x) == 0 {
		return s
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	s.Mean = sum / float64(len(x))
	if len(x) < 2 {
		return s
	}
	var ss, comp float64
	for _, v := range x {
		d := v - s.Mean
		ss += d * d
		comp += d
	}
	// Corrected two-pass algorithm: comp is the rounding error of the mean.
	ss -= comp * comp / float64(len(x))
	s.Std = math.Sqrt(ss / float64(len(x)-1))
	return s
}

// Paired is the paired difference of a condition's final quality to the
// baseline's, over the seeds both have.
type Paired struct {
	Seeds []int // seeds present in both conditions
	Diff  Stat  // of condition − baseline final policy quality
	// Lo and Hi bound the 95% Student t confidence interval of the mean
	// difference, Mean ± t(0.975, N−1)·Std/√N; NaN when N < 2.
	Lo, Hi float64
}

// PairedDifference returns the mean difference x[i] − y[i] over paired
// values with its two-sided confidence interval at the given level (0.95
// for 95%). It returns a Paired with no seeds and NaN statistics when the
// lengths differ or the level is not in (0, 1).
func PairedDifference(x, y []float64, level float64) Paired {
	if len(x) != len(y) || !(level > 0 && level < 1) {
		return Paired{Diff: MeanStd(nil), Lo: math.NaN(), Hi: math.NaN()}
	}
	d := make([]float64, len(x))
	for i := range x {
		d[i] = x[i] - y[i]
	}
	p := Paired{Diff: MeanStd(d), Lo: math.NaN(), Hi: math.NaN()}
	if n := len(d); n >= 2 {
		half := StudentTQuantile(0.5+level/2, float64(n-1)) * p.Diff.Std / math.Sqrt(float64(n))
		p.Lo, p.Hi = p.Diff.Mean-half, p.Diff.Mean+half
	}
	return p
}

// StudentTQuantile returns the p-quantile of Student's t distribution with
// nu degrees of freedom: the t with P(T ≤ t) = p. It returns NaN when p is
// outside [0, 1] or nu is not positive, and ±Inf at p = 0 and 1.
func StudentTQuantile(p, nu float64) float64 {
	switch {
	case math.IsNaN(p) || math.IsNaN(nu) || p < 0 || p > 1 || nu <= 0:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(p)
}
