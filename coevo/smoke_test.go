package coevo

import (
	"context"
	"testing"
	"time"
)

func TestSmoke(t *testing.T) {
	backend, err := SelectBackend()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Train.Iterations, cfg.Train.Steps = 2, 20
	lab, err := NewLab(cfg, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("q* best %s %.3f", lab.World.Render(lab.World.Best()), lab.World.Quality[lab.World.Best()])
	start := time.Now()
	js, err := lab.PretrainedJudges(context.Background(), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pretrain %v: %d steps alignment %.3f", time.Since(start), js[0].Steps, js[0].Alignment)
	for _, name := range []string{"baseline", "anchor_0.1", "meta_1", "ensemble_3"} {
		c, _ := ConditionByName(name)
		start = time.Now()
		res, err := lab.RunCondition(context.Background(), c, []int{0, 1}, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %v", name, time.Since(start))
		for _, r := range res {
			for _, rec := range r.Records {
				t.Logf("%+v meta=%v updates=%v", rec, rec.MetaJudgeAccuracy, r.JudgeUpdates)
			}
		}
	}
}
