package report

import "math"

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
// outside [0, 1] or nu is not positive, and ±Inf at p = 0 and 1. The result
// is accurate to about 1e-12 relative.
func StudentTQuantile(p, nu float64) float64 {
	switch {
	case math.IsNaN(p) || math.IsNaN(nu) || p < 0 || p > 1 || nu <= 0:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p == 0.5:
		return 0
	case p < 0.5:
		return -StudentTQuantile(1-p, nu)
	}
	// p > 0.5: find t > 0 with studentTCDF(t) = p by bracketing and bisection.
	lo, hi := 0.0, 1.0
	for studentTCDF(hi, nu) < p {
		lo, hi = hi, 2*hi
		if math.IsInf(hi, 1) {
			return hi
		}
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if studentTCDF(mid, nu) < p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}

// studentTCDF returns P(T ≤ t) for Student's t with nu degrees of freedom.
func studentTCDF(t, nu float64) float64 {
	x := nu / (nu + t*t)
	tail := 0.5 * regIncBeta(nu/2, 0.5, x)
	if t > 0 {
		return 1 - tail
	}
	return tail
}

// regIncBeta returns the regularised incomplete beta function I_x(a, b),
// by its continued fraction (Numerical Recipes, 3rd ed., §6.4).
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaContinuedFraction(a, b, x) / a
	}
	return 1 - front*betaContinuedFraction(b, a, 1-x)/b
}

// betaContinuedFraction evaluates the continued fraction of the incomplete
// beta function by the modified Lentz method.
func betaContinuedFraction(a, b, x float64) float64 {
	const (
		tiny = 1e-300
		eps  = 1e-16
	)
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
