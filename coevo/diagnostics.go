package coevo

import (
	"fmt"
	"math"
	"sort"
)

// Diagnostics are the exact quantities of one run's state, computed over
// every sequence of the world.
type Diagnostics struct {
	PolicyQuality         float64 // Σ_x π(x) q*(x)
	JudgeAlignment        float64 // Spearman(J̄, q*), average ranks for ties
	PolicyEntropy         float64 // −Σ_x π(x) ln π(x), nats
	JudgePerceivedQuality float64 // Σ_x π(x) J̄(x)
	Mode                  int     // the greedy (argmax-per-step) decode's index
	ModeProbability       float64 // π(Mode)
}

// Diagnose computes the exact diagnostics from the policy's log-probabilities
// and the judges' mean score of every sequence, both indexed like
// w.Quality; slices of another length are an error.
func (w *World) Diagnose(logProb, judgeMean []float64) (Diagnostics, error) {
	var d Diagnostics
	if len(logProb) != w.Size || len(judgeMean) != w.Size {
		return d, fmt.Errorf("diagnose: %d log-probabilities and %d judge scores, the world has %d sequences", len(logProb), len(judgeMean), w.Size)
	}
	probs := make([]float64, len(logProb))
	for x, lp := range logProb {
		p := math.Exp(lp)
		probs[x] = p
		d.PolicyQuality += p * w.Quality[x]
		d.JudgePerceivedQuality += p * judgeMean[x]
		if p > 0 {
			d.PolicyEntropy -= p * lp
		}
	}
	d.JudgeAlignment = Spearman(judgeMean, w.Quality)
	mode, err := GreedyDecode(probs, w.Config.Vocab, w.Config.Length)
	if err != nil {
		return d, fmt.Errorf("diagnose: %w", err)
	}
	d.Mode, d.ModeProbability = mode, probs[mode]
	return d, nil
}

// GreedyDecode returns the sequence chosen by taking, at each position, the
// most probable next token given the prefix so far (the first on ties),
// from the joint probabilities of all K^L sequences in lexicographic order.
// The conditional argmax equals the argmax of the prefix's marginal mass.
// It is an error unless vocab ≥ 1, length ≥ 1 and len(probs) = vocab^length.
func GreedyDecode(probs []float64, vocab, length int) (int, error) {
	if vocab < 1 || length < 1 || len(probs) != ipow(vocab, length) {
		return 0, fmt.Errorf("greedy decode: %d probabilities for vocabulary %d and length %d, want vocabulary^length", len(probs), vocab, length)
	}
	// mass[t] holds the marginal probability of every prefix of length t.
	mass := make([][]float64, length+1)
	mass[length] = probs
	for t := length - 1; t >= 1; t-- {
		next := mass[t+1]
		cur := make([]float64, len(next)/vocab)
		for i := range cur {
			for k := range vocab {
				cur[i] += next[i*vocab+k]
			}
		}
		mass[t] = cur
	}
	prefix := 0
	for t := 1; t <= length; t++ {
		best := 0
		for k := 1; k < vocab; k++ {
			if mass[t][prefix*vocab+k] > mass[t][prefix*vocab+best] {
				best = k
			}
		}
		prefix = prefix*vocab + best
	}
	return prefix, nil
}

// Spearman is the rank correlation of a and b, with tied values given the
// average of their ranks (the Pearson correlation of the ranks). It is NaN
// when either has no variance, and when a and b differ in length.
func Spearman(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.NaN()
	}
	return pearson(ranks(a), ranks(b))
}

// ranks returns the 1-based ranks of v, averaging over ties.
func ranks(v []float64) []float64 {
	order := make([]int, len(v))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return v[order[i]] < v[order[j]] })
	r := make([]float64, len(v))
	for i := 0; i < len(order); {
		j := i
		for j+1 < len(order) && v[order[j+1]] == v[order[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[order[k]] = avg
		}
		i = j + 1
	}
	return r
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= n
	mb /= n
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

// nonFinite names the first diagnostic that is NaN or infinite (by its
// record field name), or returns "" when all are finite.
func (d Diagnostics) nonFinite() string {
	for _, name := range []string{"policy_quality", "judge_alignment", "policy_entropy", "judge_perceived_quality", "mode_probability"} {
		if v := d.field(name); math.IsNaN(v) || math.IsInf(v, 0) {
			return name
		}
	}
	return ""
}

// field returns the diagnostic recorded under name.
func (d Diagnostics) field(name string) float64 {
	switch name {
	case "policy_quality":
		return d.PolicyQuality
	case "judge_alignment":
		return d.JudgeAlignment
	case "policy_entropy":
		return d.PolicyEntropy
	case "judge_perceived_quality":
		return d.JudgePerceivedQuality
	case "mode_probability":
		return d.ModeProbability
	}
	return math.NaN()
}
