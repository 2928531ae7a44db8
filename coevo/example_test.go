package coevo_test

import (
	"context"
	"fmt"
	"log"

	"github.com/coevolab/coevolab/coevo"
)

// The reference world: 4096 sequences of four arrows with a fixed quality.
func ExampleNewWorld() {
	w, err := coevo.NewWorld(coevo.DefaultConfig().World)
	if err != nil {
		log.Fatal(err)
	}
	best := w.Best()
	fmt.Println(w.Size, "sequences; best", w.Render(best), "index", best)
	fmt.Printf("entropy of the uniform policy: %.3f nats\n", w.MaxEntropy())
	// Output:
	// 4096 sequences; best ↗↓↑↗ index 769
	// entropy of the uniform policy: 8.318 nats
}

// Conditions resolve from their names, and knobs compose.
func ExampleConditionByName() {
	c, err := coevo.ConditionByName("asym_meta_10")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Name+":", c.Knobs.Describe())
	_, err = coevo.ConditionByName("asymmetric_0")
	fmt.Println(err != nil)
	// Output:
	// asym_meta_10: judge_update_every=10 meta_holdout_fraction=0.05 meta_update_every=10 meta_accuracy_threshold=0.75
	// true
}

// Spearman averages the ranks of tied values.
func ExampleSpearman() {
	fmt.Printf("%.4f\n", coevo.Spearman([]float64{10, 20, 20, 30}, []float64{1, 2, 3, 4}))
	// Output: 0.9487
}

// Running one condition over several seeds, stacked in one batch, and
// reading the exact diagnostics of each iteration.
func ExampleLab_RunCondition() {
	backend, err := coevo.SelectBackend()
	if err != nil {
		log.Fatal(err)
	}
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations, cfg.Train.Steps = 2, 10 // a short demonstration
	lab, err := coevo.NewLab(cfg, backend)
	if err != nil {
		log.Fatal(err)
	}
	cond, _ := coevo.ConditionByName("asymmetric_10")
	results, err := lab.RunCondition(context.Background(), cond, []int{0, 1}, coevo.RunOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		first, last := r.Records[0], r.Records[len(r.Records)-1]
		fmt.Printf("%s: %d records, alignment starts ≥ 0.7: %v, judge updates %v\n",
			r.Spec, len(r.Records), first.JudgeAlignment >= 0.7, r.JudgeUpdates)
		_ = last.PolicyQuality // Σ_x π(x) q*(x), exact
	}
	// Output:
	// asymmetric_10 seed 0: 3 records, alignment starts ≥ 0.7: true, judge updates [2]
	// asymmetric_10 seed 1: 3 records, alignment starts ≥ 0.7: true, judge updates [2]
}
