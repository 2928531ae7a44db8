package report_test

import (
	"fmt"
	"log"
	"os"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// exampleRun makes a run whose quality follows q over iterations 0..len(q)−1.
func exampleRun(cond string, seed int, q ...float64) report.Run {
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations = len(q) - 1
	c, err := coevo.ConditionByName(cond)
	if err != nil {
		log.Fatal(err)
	}
	recs := make([]coevo.Record, len(q))
	for i, v := range q {
		recs[i] = coevo.Record{Condition: cond, Seed: seed, Iteration: i, PolicyQuality: v,
			JudgeAlignment: 0.7, PolicyEntropy: 8.25 - 4*float64(i), JudgePerceivedQuality: v + float64(i)}
	}
	return report.Run{
		Manifest: coevo.Manifest{Condition: cond, Seed: seed, Config: cfg, Knobs: c.Knobs,
			ConfigHash: coevo.RunHash(cfg, c.Knobs, seed)},
		Records: recs,
	}
}

func ExampleLoad() {
	dir, err := os.MkdirTemp("", "runs")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, r := range []report.Run{
		exampleRun("asymmetric_10", 0, 0.1, 0.5, 0.6),
		exampleRun("baseline", 0, 0.1, 0.5, 0.4),
		exampleRun("baseline", 1, 0.1, 0.6, 0.5),
		exampleRun("asymmetric_10", 1, 0.1, 0.5, 0.7),
	} {
		if err := coevo.WriteRun(dir, r.Manifest, r.Records); err != nil {
			log.Fatal(err)
		}
	}

	runs, err := report.Load(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, cond := range runs.Conditions() {
		fmt.Println(cond, runs.Seeds(cond))
	}
	// Output:
	// baseline [0 1]
	// asymmetric_10 [0 1]
}

func ExampleSummarize() {
	runs, err := report.NewRuns(report.LoadOptions{},
		exampleRun("baseline", 0, 0.1, 0.5, 0.4),
		exampleRun("baseline", 1, 0.1, 0.6, 0.5),
		exampleRun("baseline", 2, 0.1, 0.4, 0.6),
		exampleRun("asymmetric_10", 0, 0.1, 0.5, 0.6),
		exampleRun("asymmetric_10", 1, 0.1, 0.5, 0.7),
		exampleRun("asymmetric_10", 2, 0.1, 0.6, 0.7),
	)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range report.Summarize(runs) {
		q := s.Final[report.PolicyQuality]
		fmt.Printf("%-13s final quality %.3f ± %.3f, peak at iteration %.2f", s.Condition, q.Mean, q.Std, s.PeakIteration.Mean)
		if p := s.VsBaseline; p != nil {
			fmt.Printf(", vs baseline %+.3f [%+.3f, %+.3f]", p.Diff.Mean, p.Lo, p.Hi)
		}
		fmt.Println()
	}
	// Output:
	// baseline      final quality 0.500 ± 0.100, peak at iteration 1.33
	// asymmetric_10 final quality 0.667 ± 0.058, peak at iteration 2.00, vs baseline +0.167 [+0.023, +0.310]
}

func ExampleWriteCSV() {
	runs, err := report.NewRuns(report.LoadOptions{},
		exampleRun("baseline", 0, 0.25, 0.5, 0.5),
		exampleRun("baseline", 1, 0.25, 0.75, 0.75),
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := report.WriteCSV(os.Stdout, report.Summarize(runs)); err != nil {
		log.Fatal(err)
	}
	// Output:
	// condition,boundary,n_seeds,seeds,last_iteration,final_policy_quality_mean,final_policy_quality_std,final_judge_alignment_mean,final_judge_alignment_std,final_policy_entropy_mean,final_policy_entropy_std,final_judge_perceived_quality_mean,final_judge_perceived_quality_std,peak_iteration_mean,peak_iteration_std,peak_iterations,peak_quality_mean,peak_quality_std,degradation_pct_mean,degradation_pct_std,diff_vs_baseline_n,diff_vs_baseline_mean,diff_vs_baseline_std,diff_vs_baseline_ci95_lo,diff_vs_baseline_ci95_hi
	// baseline,false,2,0 1,2,0.625,0.1767766952966369,0.7,0,0.25,0,2.625,0.1767766952966369,1,0,1 1,0.625,0.1767766952966369,0,0,,,,,
}

func ExampleStudentTQuantile() {
	// The two-sided 95% t interval over 5 seeds uses 4 degrees of freedom.
	fmt.Printf("%.4f\n", report.StudentTQuantile(0.975, 4))
	// Output:
	// 2.7764
}

func ExampleWriteMarkdown() {
	runs, err := report.NewRuns(report.LoadOptions{},
		exampleRun("baseline", 0, 0.25, 0.5, 0.5),
		exampleRun("baseline", 1, 0.25, 0.75, 0.75),
		exampleRun("frozen", 0, 0.25, 0.25, 0.25),
		exampleRun("frozen", 1, 0.25, 0.5, 0.5),
	)
	if err != nil {
		log.Fatal(err)
	}
	if err := report.WriteMarkdown(os.Stdout, report.Summarize(runs)); err != nil {
		log.Fatal(err)
	}
	// Output:
	// | condition | n | final quality | Δ quality vs baseline [95% CI] | judge alignment | policy entropy | judge-perceived quality | peak iteration (per seed) | degradation % |
	// |:----------|--:|--------------:|-------------------------------:|----------------:|---------------:|------------------------:|--------------------------:|--------------:|
	// | baseline  | 2 | 0.625 ± 0.177 |                    (reference) |   0.700 ± 0.000 |  0.250 ± 0.000 |           2.625 ± 0.177 |                 1.0 (1,1) |     0.0 ± 0.0 |
	// | frozen †  | 2 | 0.375 ± 0.177 |        -0.250 [-0.250, -0.250] |   0.700 ± 0.000 |  0.250 ± 0.000 |           2.375 ± 0.177 |                 1.0 (1,1) |     0.0 ± 0.0 |
	//
	// Final values at the last iteration, mean ± sample standard deviation over seeds (n seeds). Δ: paired difference of final quality to the baseline on the same seeds, mean [95% Student t interval]. Peak iteration: first iteration of maximum quality after the start (1 and later, as the original records). Degradation: 100·(peak − final)/|peak|.
	// † Boundary condition, not a practical method: the frozen judge is the lower bound, the 10% oracle anchor (anchor_0.1) the upper bound.
}
