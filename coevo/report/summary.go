package report

import (
	"fmt"
	"math"
	"slices"

	"github.com/coevolab/coevolab/coevo"
)

// Metric is one of the four per-iteration diagnostics of a run.
type Metric int

// The diagnostics, in the order of Metrics.
const (
	PolicyQuality         Metric = iota // Σ_x π(x) q*(x)
	JudgeAlignment                      // Spearman(J̄, q*)
	PolicyEntropy                       // −Σ_x π(x) ln π(x), nats
	JudgePerceivedQuality               // Σ_x π(x) J̄(x)
)

// NumMetrics is the number of diagnostics.
const NumMetrics = 4

// Metrics lists the diagnostics in display order.
var Metrics = [NumMetrics]Metric{PolicyQuality, JudgeAlignment, PolicyEntropy, JudgePerceivedQuality}

var metricNames = [NumMetrics][2]string{
	{"policy_quality", "Policy quality"},
	{"judge_alignment", "Judge alignment"},
	{"policy_entropy", "Policy entropy"},
	{"judge_perceived_quality", "Judge-perceived quality"},
}

func (m Metric) valid() bool { return m >= 0 && m < NumMetrics }

// String returns the metric's field name in the records, such as
// "policy_quality".
func (m Metric) String() string {
	if !m.valid() {
		return fmt.Sprintf("Metric(%d)", int(m))
	}
	return metricNames[m][0]
}

// Title returns the metric's name for people, such as "Policy quality".
func (m Metric) Title() string {
	if !m.valid() {
		return m.String()
	}
	return metricNames[m][1]
}

// Of returns the metric's value in a record; NaN for an unknown metric.
func (m Metric) Of(r coevo.Record) float64 {
	switch m {
	case PolicyQuality:
		return r.PolicyQuality
	case JudgeAlignment:
		return r.JudgeAlignment
	case PolicyEntropy:
		return r.PolicyEntropy
	case JudgePerceivedQuality:
		return r.JudgePerceivedQuality
	}
	return math.NaN()
}

// ConditionSummary summarises the runs of one condition over its seeds.
type ConditionSummary struct {
	Condition string
	// Boundary marks the reference conditions of coevo.BoundaryConditions
	// (frozen judge: lower bound; 10% oracle anchor: upper bound), which
	// are not practical methods.
	Boundary bool
	Seeds    []int
	// Iterations is the last iteration index N (runs record 0..N).
	Iterations int
	// Final holds each metric at the last iteration, indexed by Metric.
	Final [NumMetrics]Stat
	// PeakIteration is the iteration of peak policy quality (first maximum)
	// over seeds; PeakIterations lists it per seed, in the order of Seeds.
	PeakIteration  Stat
	PeakIterations []int
	PeakQuality    Stat
	// DegradationPct is coevo.RunSummary.DegradationPct over seeds:
	// 100·(peak − final)/|peak|.
	DegradationPct Stat
	// VsBaseline is the paired difference of final policy quality to the
	// baseline over the seeds both have; nil for the baseline itself, when
	// there is no baseline, or when no seed is shared.
	VsBaseline *Paired
}

// Summarize summarises every condition of runs, in the order of
// Runs.Conditions.
func Summarize(runs *Runs) []ConditionSummary {
	if runs == nil {
		return nil
	}
	base := make(map[int]float64)
	for _, r := range runs.Condition(Baseline) {
		base[r.Seed()] = r.Final().PolicyQuality
	}
	out := make([]ConditionSummary, 0, len(runs.conds))
	for _, cond := range runs.conds {
		rs := runs.Condition(cond)
		s := ConditionSummary{
			Condition: cond,
			Boundary:  slices.Contains(coevo.BoundaryConditions, cond),
			Seeds:     runs.Seeds(cond),
		}
		if len(rs) > 0 {
			s.Iterations = rs[0].Final().Iteration
		}
		for _, m := range Metrics {
			vals := make([]float64, len(rs))
			for i, r := range rs {
				vals[i] = m.Of(r.Final())
			}
			s.Final[m] = MeanStd(vals)
		}
		peakIt := make([]float64, len(rs))
		peakQ := make([]float64, len(rs))
		degr := make([]float64, len(rs))
		s.PeakIterations = make([]int, len(rs))
		for i, r := range rs {
			sum := r.Summary()
			s.PeakIterations[i] = sum.PeakIteration
			peakIt[i] = float64(sum.PeakIteration)
			peakQ[i] = sum.PeakQuality
			degr[i] = sum.DegradationPct
		}
		s.PeakIteration, s.PeakQuality, s.DegradationPct = MeanStd(peakIt), MeanStd(peakQ), MeanStd(degr)

		if cond != Baseline && len(base) > 0 {
			var seeds []int
			var x, y []float64
			for _, r := range rs {
				if b, ok := base[r.Seed()]; ok {
					seeds = append(seeds, r.Seed())
					x = append(x, r.Final().PolicyQuality)
					y = append(y, b)
				}
			}
			if len(seeds) > 0 {
				p := PairedDifference(x, y, 0.95)
				p.Seeds = seeds
				s.VsBaseline = &p
			}
		}
		out = append(out, s)
	}
	return out
}

// Band is a metric's course over iterations across the seeds of one
// condition.
type Band struct {
	Metric     Metric
	Iterations []int       // 0..N
	Mean, Std  []float64   // per iteration; Std is NaN with one seed
	Seeds      []int       // the seeds, in the order of PerSeed
	PerSeed    [][]float64 // PerSeed[k][i]: seed Seeds[k] at Iterations[i]
}

// Trajectory returns the per-iteration mean and sample standard deviation of
// a metric over the given runs (usually Runs.Condition(name)). Iterations
// run up to the longest run; an iteration's statistics use the runs that
// reached it (after Load, all runs of a condition have the same length).
func Trajectory(runs []Run, m Metric) Band {
	b := Band{Metric: m}
	n := 0
	for _, r := range runs {
		n = max(n, len(r.Records))
		b.Seeds = append(b.Seeds, r.Seed())
		vals := make([]float64, len(r.Records))
		for i, rec := range r.Records {
			vals[i] = m.Of(rec)
		}
		b.PerSeed = append(b.PerSeed, vals)
	}
	b.Iterations = make([]int, n)
	b.Mean = make([]float64, n)
	b.Std = make([]float64, n)
	col := make([]float64, 0, len(runs))
	for i := range n {
		b.Iterations[i] = i
		col = col[:0]
		for _, vals := range b.PerSeed {
			if i < len(vals) {
				col = append(col, vals[i])
			}
		}
		s := MeanStd(col)
		b.Mean[i], b.Std[i] = s.Mean, s.Std
	}
	return b
}
