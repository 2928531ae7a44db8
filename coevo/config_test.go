package coevo

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidateNamesField(t *testing.T) {
	cases := []struct {
		field string
		edit  func(*Config)
	}{
		{"world.vocab", func(c *Config) { c.World.Vocab = 1 }},
		{"world.length", func(c *Config) { c.World.Length = 0 }},
		{"world.alpha", func(c *Config) { c.World.Alpha = math.NaN() }},
		{"world.generator", func(c *Config) { c.World.Generator = "numpy" }},
		{"net.hidden", func(c *Config) { c.Net.Hidden = -3 }},
		{"train.iterations", func(c *Config) { c.Train.Iterations = 0 }},
		{"train.steps", func(c *Config) { c.Train.Steps = -1 }},
		{"train.batch", func(c *Config) { c.Train.Batch = 0 }},
		{"train.learning_rate", func(c *Config) { c.Train.LearningRate = 0 }},
		{"train.entropy", func(c *Config) { c.Train.Entropy = "approximate" }},
		{"pretrain.target_alignment", func(c *Config) { c.Pretrain.TargetAlignment = 1.5 }},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.edit(&cfg)
		err := cfg.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %v, want a FieldError naming it", c.field, err)
			continue
		}
		if !strings.Contains(err.Error(), c.field) || fe.Allowed == "" {
			t.Errorf("%s: message %q does not name the field and what is allowed", c.field, err)
		}
	}
}

func TestKnobsValidate(t *testing.T) {
	cases := []struct {
		field string
		edit  func(*Knobs)
	}{
		{"n_judges", func(k *Knobs) { k.NJudges = 0 }},
		{"judge_update_every", func(k *Knobs) { k.JudgeUpdateEvery = 0 }},
		{"reset_every", func(k *Knobs) { k.ResetEvery = -2 }},
		{"anchor_fraction", func(k *Knobs) { k.AnchorFraction = 1.5 }},
		{"meta_holdout_fraction", func(k *Knobs) { k.MetaHoldoutFraction = -0.1 }},
		{"meta_accuracy_threshold", func(k *Knobs) { k.MetaAccuracyThreshold = math.NaN() }},
		{"frozen", func(k *Knobs) { k.Frozen, k.AnchorFraction = true, 0.1 }},
	}
	for _, c := range cases {
		k := DefaultKnobs()
		c.edit(&k)
		var fe *FieldError
		if err := k.Validate(); !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: error %v", c.field, err)
		}
	}
}

func TestGridConditions(t *testing.T) {
	grid := Grid()
	if len(grid) != 17 {
		t.Fatalf("%d conditions in the grid, want 17", len(grid))
	}
	want := map[string]Knobs{
		"baseline":      DefaultKnobs(),
		"asymmetric_10": {NJudges: 1, JudgeUpdateEvery: 10, MetaAccuracyThreshold: 0.75},
		"ensemble_5":    {NJudges: 5, JudgeUpdateEvery: 1, MetaAccuracyThreshold: 0.75},
		"reinit_3":      {NJudges: 1, JudgeUpdateEvery: 1, ResetEvery: 3, MetaAccuracyThreshold: 0.75},
		"anchor_0.05":   {NJudges: 1, JudgeUpdateEvery: 1, AnchorFraction: 0.05, MetaAccuracyThreshold: 0.75},
		"meta_10":       {NJudges: 1, JudgeUpdateEvery: 1, MetaHoldoutFraction: 0.05, MetaUpdateEvery: 10, MetaAccuracyThreshold: 0.75},
		"asym_meta_200": {NJudges: 1, JudgeUpdateEvery: 200, MetaHoldoutFraction: 0.05, MetaUpdateEvery: 200, MetaAccuracyThreshold: 0.75},
		"frozen":        {NJudges: 1, JudgeUpdateEvery: 1, MetaAccuracyThreshold: 0.75, Frozen: true},
	}
	for _, c := range grid {
		if err := c.Knobs.Validate(); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		if k, ok := want[c.Name]; ok && k != c.Knobs {
			t.Errorf("%s resolves to %+v, want %+v", c.Name, c.Knobs, k)
		}
	}
}

func TestConditionByNameRefuses(t *testing.T) {
	for _, name := range []string{"", "basline", "asymmetric_0", "asymmetric_x", "ensemble_-1", "anchor_2", "anchor_0", "meta_", "reinit_1.5"} {
		_, err := ConditionByName(name)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "condition" || !strings.Contains(err.Error(), "must") {
			t.Errorf("ConditionByName(%q): error %v, want one naming the condition and what is allowed", name, err)
		}
	}
}
