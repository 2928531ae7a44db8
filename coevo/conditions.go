package coevo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// DefaultMetaHoldoutFraction is the share of the 4096 sequences used as
// held-out meta-judge pairs by the named meta conditions: ⌊4096·0.05⌋ = 204.
const DefaultMetaHoldoutFraction = 0.05

// DefaultMetaAccuracyThreshold is the held-out accuracy below which the
// meta-judge takes a corrective step.
const DefaultMetaAccuracyThreshold = 0.75

// Knobs are the settings that distinguish one condition from another. They
// compose freely: any combination that passes Validate is a condition.
type Knobs struct {
	// NJudges independently pretrained judges; the reward is their mean score.
	NJudges int `json:"n_judges"`
	// JudgeUpdateEvery: the self-labelled judge step runs only on inner steps
	// s with s mod JudgeUpdateEvery = 0.
	JudgeUpdateEvery int `json:"judge_update_every"`
	// ResetEvery R > 0 returns every judge to its pretrained weights, with a
	// fresh Adam state, after each outer iteration t with t mod R = 0.
	ResetEvery int `json:"reset_every"`
	// AnchorFraction f > 0 adds, after each self-labelled step, one step on
	// max(1, ⌊B·f⌋) pairs labelled by the ground truth.
	AnchorFraction float64 `json:"anchor_fraction"`
	// MetaHoldoutFraction > 0 (with MetaUpdateEvery > 0) turns the meta-judge
	// on: a fixed held-out set of ⌊N·fraction⌋ ground-truth pairs.
	MetaHoldoutFraction float64 `json:"meta_holdout_fraction"`
	// MetaUpdateEvery: the meta-judge checks on inner steps s with
	// s mod MetaUpdateEvery = 0.
	MetaUpdateEvery int `json:"meta_update_every"`
	// MetaAccuracyThreshold: the meta-judge steps when held-out accuracy is
	// below it (0 never steps; DefaultKnobs sets the reference 0.75).
	MetaAccuracyThreshold float64 `json:"meta_accuracy_threshold"`
	// Frozen judges are never updated after pretraining.
	Frozen bool `json:"frozen"`
}

// DefaultKnobs are the baseline's knobs.
func DefaultKnobs() Knobs {
	return Knobs{NJudges: 1, JudgeUpdateEvery: 1, MetaAccuracyThreshold: DefaultMetaAccuracyThreshold}
}

// MetaOn reports whether the meta-judge is active.
func (k Knobs) MetaOn() bool { return k.MetaHoldoutFraction > 0 && k.MetaUpdateEvery > 0 }

// Validate checks every knob and returns the first problem found.
func (k Knobs) Validate() error {
	if k.NJudges < 1 {
		return &FieldError{"n_judges", k.NJudges, "must be at least 1"}
	}
	if err := positive("judge_update_every", k.JudgeUpdateEvery); err != nil {
		return err
	}
	if err := nonNegative("reset_every", k.ResetEvery); err != nil {
		return err
	}
	if err := nonNegative("meta_update_every", k.MetaUpdateEvery); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"anchor_fraction", k.AnchorFraction},
		{"meta_holdout_fraction", k.MetaHoldoutFraction},
		{"meta_accuracy_threshold", k.MetaAccuracyThreshold},
	} {
		if err := finiteIn(f.name, f.v, 0, 1, "must lie in [0, 1]"); err != nil {
			return err
		}
	}
	if k.Frozen && (k.AnchorFraction > 0 || k.MetaOn()) {
		return &FieldError{"frozen", true, "a frozen judge takes no anchor or meta-judge steps: set anchor_fraction and meta_holdout_fraction to 0"}
	}
	return nil
}

// Condition is a named setting of the knobs.
type Condition struct {
	Name  string `json:"name"`
	Knobs Knobs  `json:"knobs"`
}

// GridNames lists the reference experiment's 17 conditions in the order its
// tables use.
var GridNames = []string{
	"baseline",
	"asymmetric_2", "asymmetric_5", "asymmetric_10",
	"ensemble_3", "ensemble_5",
	"reinit_3", "reinit_5",
	"anchor_0.05", "anchor_0.1",
	"meta_1", "meta_10", "meta_200",
	"asym_meta_1", "asym_meta_10", "asym_meta_200",
	"frozen",
}

// BoundaryConditions are the grid's lower (frozen judge) and upper (10%
// ground-truth anchor) reference conditions; they are not practical methods.
var BoundaryConditions = []string{"frozen", "anchor_0.1"}

// Grid returns the reference experiment's 17 conditions.
func Grid() []Condition {
	conds := make([]Condition, len(GridNames))
	for i, name := range GridNames {
		c, err := ConditionByName(name)
		if err != nil {
			panic(fmt.Sprintf("grid condition %q: %v", name, err)) // GridNames is fixed: a failure is a bug here.
		}
		conds[i] = c
	}
	return conds
}

// conditionFamilies maps a name prefix to the knob its numeric suffix sets.
// Longer prefixes come first so that "asym_meta_" wins over shorter matches.
var conditionFamilies = []struct {
	prefix string
	set    func(k *Knobs, suffix string) error
}{
	{"asym_meta_", func(k *Knobs, s string) error {
		n, err := parsePositive(s)
		k.JudgeUpdateEvery, k.MetaUpdateEvery, k.MetaHoldoutFraction = n, n, DefaultMetaHoldoutFraction
		return err
	}},
	{"asymmetric_", func(k *Knobs, s string) (err error) { k.JudgeUpdateEvery, err = parsePositive(s); return }},
	{"ensemble_", func(k *Knobs, s string) (err error) { k.NJudges, err = parsePositive(s); return }},
	{"reinit_", func(k *Knobs, s string) (err error) { k.ResetEvery, err = parsePositive(s); return }},
	{"anchor_", func(k *Knobs, s string) (err error) { k.AnchorFraction, err = parseFraction(s); return }},
	{"meta_", func(k *Knobs, s string) error {
		n, err := parsePositive(s)
		k.MetaUpdateEvery, k.MetaHoldoutFraction = n, DefaultMetaHoldoutFraction
		return err
	}},
}

func parsePositive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("must be a positive integer, got %q", s)
	}
	return n, nil
}

func parseFraction(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f <= 0 || f > 1 {
		return 0, fmt.Errorf("must be a fraction in (0, 1], got %q", s)
	}
	return f, nil
}

// ConditionByName resolves a condition from its name: "baseline", "frozen",
// or a family prefix with its setting, as in the grid ("asymmetric_10",
// "ensemble_5", "reinit_3", "anchor_0.1", "meta_10", "asym_meta_10"). Other
// settings of the same families resolve too ("asymmetric_7").
func ConditionByName(name string) (Condition, error) {
	k := DefaultKnobs()
	switch name {
	case "baseline":
		return Condition{name, k}, nil
	case "frozen":
		k.Frozen = true
		return Condition{name, k}, nil
	}
	for _, fam := range conditionFamilies {
		if suffix, ok := strings.CutPrefix(name, fam.prefix); ok {
			if err := fam.set(&k, suffix); err != nil {
				return Condition{}, &FieldError{"condition", name, fmt.Sprintf("the setting after %q %v", fam.prefix, err)}
			}
			return Condition{name, k}, nil
		}
	}
	return Condition{}, &FieldError{"condition", name, "must be baseline, frozen, or one of the families " +
		"asymmetric_N, ensemble_N, reinit_N, anchor_F, meta_N, asym_meta_N (the grid: " + strings.Join(GridNames, ", ") + ")"}
}

// Describe renders the knobs that differ from the baseline, for listings.
func (k Knobs) Describe() string {
	d := DefaultKnobs()
	var parts []string
	if k.NJudges != d.NJudges {
		parts = append(parts, fmt.Sprintf("n_judges=%d", k.NJudges))
	}
	if k.JudgeUpdateEvery != d.JudgeUpdateEvery {
		parts = append(parts, fmt.Sprintf("judge_update_every=%d", k.JudgeUpdateEvery))
	}
	if k.ResetEvery != 0 {
		parts = append(parts, fmt.Sprintf("reset_every=%d", k.ResetEvery))
	}
	if k.AnchorFraction != 0 {
		parts = append(parts, fmt.Sprintf("anchor_fraction=%g", k.AnchorFraction))
	}
	if k.MetaOn() {
		parts = append(parts, fmt.Sprintf("meta_holdout_fraction=%g meta_update_every=%d meta_accuracy_threshold=%g",
			k.MetaHoldoutFraction, k.MetaUpdateEvery, k.MetaAccuracyThreshold))
	}
	if k.Frozen {
		parts = append(parts, "frozen")
	}
	if len(parts) == 0 {
		return "defaults"
	}
	return strings.Join(parts, " ")
}
