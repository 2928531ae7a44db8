package coevo

import (
	"context"
	"fmt"
	"testing"
)

// benchLab is shared by the benchmarks so pretraining happens once.
var benchLab *Lab

func newBenchLab(b *testing.B) *Lab {
	b.Helper()
	if benchLab != nil {
		return benchLab
	}
	backend, err := SelectBackend()
	if err != nil {
		b.Fatal(err)
	}
	lab, err := NewLab(DefaultConfig(), backend)
	if err != nil {
		b.Fatal(err)
	}
	benchLab = lab
	return lab
}

// gridSpecs returns the first n runs of the grid, seeds 0–4 of each
// condition in grid order (n = 85 is the whole grid).
func gridSpecs(n int) []RunSpec {
	var specs []RunSpec
	for _, c := range Grid() {
		for seed := range 5 {
			specs = append(specs, RunSpec{c, seed})
		}
	}
	return specs[:n]
}

// BenchmarkInnerStep times one inner step (sample, reward, policy update,
// judge updates) of R stacked runs; ms/run-step is the time per run.
// R = 1 and 5 are baseline seeds; R = 85 is the whole grid.
func BenchmarkInnerStep(b *testing.B) {
	for _, R := range []int{1, 5, 85} {
		b.Run(fmt.Sprintf("runs=%d", R), func(b *testing.B) {
			lab := newBenchLab(b)
			var specs []RunSpec
			if R == 85 {
				specs = gridSpecs(85)
			} else {
				for seed := range R {
					specs = append(specs, RunSpec{Grid()[0], seed})
				}
			}
			bt, err := lab.newBatch(context.Background(), specs, nil)
			if err != nil {
				b.Fatal(err)
			}
			// Compile every step graph of an iteration outside the timer:
			// the judges due for updates differ from step to step.
			for s := 1; s <= lab.Config.Train.Steps; s++ {
				sh := bt.due(s).shape
				if _, err := lab.exec(sh, sh.build); err != nil {
					b.Fatal(err)
				}
			}
			for i := 0; b.Loop(); i++ {
				if err := bt.step(1, 2+i); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(R), "ms/run-step")
		})
	}
}

// BenchmarkDiagnostics times the exact diagnostics of one run: log π and
// J over all 4096 sequences in one execution, then quality, Spearman,
// entropy and the greedy decode on the host.
func BenchmarkDiagnostics(b *testing.B) {
	lab := newBenchLab(b)
	bt, err := lab.newBatch(context.Background(), []RunSpec{{Grid()[0], 0}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	bt.results[0].Records = nil
	if err := bt.record(0); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		bt.results[0].Records = bt.results[0].Records[:0]
		if err := bt.record(0); err != nil {
			b.Fatal(err)
		}
	}
}
