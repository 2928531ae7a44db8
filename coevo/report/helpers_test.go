package report_test

import (
	"os"
	"testing"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// synth builds a run of a condition and seed whose policy quality follows q
// (iterations 0..len(q)−1, with a configuration of len(q)−1 iterations) and
// whose judge alignment follows align (or a fixed pattern when nil).
func synth(cond string, seed int, q, align []float64) report.Run {
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations = len(q) - 1
	knobs := coevo.DefaultKnobs()
	if c, err := coevo.ConditionByName(cond); err == nil {
		knobs = c.Knobs
	}
	recs := make([]coevo.Record, len(q))
	for i := range q {
		a := 0.7 - 0.05*float64(i)
		if align != nil {
			a = align[i]
		}
		recs[i] = coevo.Record{
			Condition:             cond,
			Seed:                  seed,
			Iteration:             i,
			PolicyQuality:         q[i],
			JudgeAlignment:        a,
			PolicyEntropy:         8 - 2*float64(i) - 0.1*float64(seed),
			JudgePerceivedQuality: q[i] + 0.5*float64(i),
			Mode:                  "↑↑↑↑",
			ModeProbability:       0.1 * float64(i),
		}
	}
	m := coevo.Manifest{
		Condition:  cond,
		Seed:       seed,
		Knobs:      knobs,
		Config:     cfg,
		ConfigHash: coevo.RunHash(cfg, knobs, seed),
		Backend:    "test",
		Summary:    coevo.Summarize(recs),
	}
	return report.Run{Manifest: m, Records: recs}
}

// write writes runs under dir with coevo.WriteRun.
func write(t testing.TB, dir string, runs ...report.Run) {
	t.Helper()
	for _, r := range runs {
		if err := coevo.WriteRun(dir, r.Manifest, r.Records); err != nil {
			t.Fatal(err)
		}
	}
}

// flat returns runs of the conditions for the seeds, each with the same
// simple quality course 0.2, 0.5, 0.4.
func flat(conds []string, seeds ...int) []report.Run {
	var runs []report.Run
	for _, c := range conds {
		for _, s := range seeds {
			runs = append(runs, synth(c, s, []float64{0.2, 0.5, 0.4}, nil))
		}
	}
	return runs
}

func mustRemove(t testing.TB, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}
