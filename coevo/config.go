package coevo

import (
	"fmt"
	"math"
)

// MaxSequences bounds the size of an enumerable world: K^L above it is refused,
// since every diagnostic visits every sequence.
const MaxSequences = 1 << 20

// Generator names the random generator that draws the world's q* weights.
type Generator string

const (
	// GeneratorJAX draws q* exactly as JAX's default threefry generator does
	// with partitionable keys (JAX ≥ 0.5), the published experiment's world.
	GeneratorJAX Generator = "jax"
	// GeneratorJAXLegacy draws q* as JAX < 0.5 did (non-partitionable split).
	GeneratorJAXLegacy Generator = "jax-legacy"
	// GeneratorGo draws q* from Go's PCG generator seeded with the world seed.
	GeneratorGo Generator = "go"
)

// WorldConfig fixes the enumerated world and its ground-truth quality.
type WorldConfig struct {
	Vocab     int       `json:"vocab"`     // K, tokens per position.
	Length    int       `json:"length"`    // L, positions per sequence.
	Alpha     float64   `json:"alpha"`     // scale of the pairwise position×token weights.
	Seed      uint32    `json:"seed"`      // world seed; q* is drawn once from it.
	Generator Generator `json:"generator"` // which generator draws q*.
}

// NetConfig sizes the GRU networks of the policy and the judges.
type NetConfig struct {
	Embed  int `json:"embed"`  // E, embedding width.
	Hidden int `json:"hidden"` // H, GRU state width.
}

// PretrainConfig sets judge pretraining on noisy ground truth.
type PretrainConfig struct {
	Batch           int     `json:"batch"`            // sequences per pretraining step.
	LabelNoise      float64 `json:"label_noise"`      // standard deviation of the noise added to q*.
	TargetAlignment float64 `json:"target_alignment"` // Spearman(J, q*) at which pretraining stops.
	CheckEvery      int     `json:"check_every"`      // steps between alignment checks.
	MaxSteps        int     `json:"max_steps"`        // steps after which pretraining fails.
}

// EntropyMode selects how the entropy term of the policy loss is computed.
type EntropyMode string

const (
	// EntropySampled is the original's term β·mean_i log π(x_i) over the
	// on-policy batch. Its expected gradient is zero.
	EntropySampled EntropyMode = "sampled"
	// EntropyExact replaces it with β·Σ_x π(x) log π(x) over the whole
	// enumerated space, the exact negative-entropy regulariser.
	EntropyExact EntropyMode = "exact"
)

// TrainConfig sets the co-evolution loop shared by every condition.
type TrainConfig struct {
	Iterations   int         `json:"iterations"`    // outer iterations.
	Steps        int         `json:"steps"`         // inner steps per outer iteration.
	Batch        int         `json:"batch"`         // B, sequences per policy batch.
	EntropyCoef  float64     `json:"entropy_coef"`  // β.
	LearningRate float64     `json:"learning_rate"` // Adam learning rate of the policy and of every judge, pretraining included.
	Entropy      EntropyMode `json:"entropy"`       // how the entropy term is computed.
}

// Config is everything that fixes a run except its condition and seed.
type Config struct {
	World    WorldConfig    `json:"world"`
	Net      NetConfig      `json:"net"`
	Pretrain PretrainConfig `json:"pretrain"`
	Train    TrainConfig    `json:"train"`
}

// DefaultConfig returns the reference experiment's configuration.
func DefaultConfig() Config {
	return Config{
		World:    WorldConfig{Vocab: 8, Length: 4, Alpha: 0.3, Seed: 42, Generator: GeneratorJAX},
		Net:      NetConfig{Embed: 16, Hidden: 32},
		Pretrain: PretrainConfig{Batch: 64, LabelNoise: 0.1, TargetAlignment: 0.7, CheckEvery: 50, MaxSteps: 5000},
		Train: TrainConfig{Iterations: 10, Steps: 200, Batch: 64, EntropyCoef: 0.01,
			LearningRate: 3e-4, Entropy: EntropySampled},
	}
}

// FieldError reports an invalid configuration value: which field, the value
// it had and what is allowed.
type FieldError struct {
	Field   string
	Value   any
	Allowed string
}

// Error says which field had which value and what is allowed.
func (e *FieldError) Error() string {
	return fmt.Sprintf("invalid %s = %v: %s", e.Field, e.Value, e.Allowed)
}

func positive(field string, v int) error {
	if v <= 0 {
		return &FieldError{field, v, "must be a positive integer"}
	}
	return nil
}

func nonNegative(field string, v int) error {
	if v < 0 {
		return &FieldError{field, v, "must be zero or a positive integer"}
	}
	return nil
}

func finiteIn(field string, v, lo, hi float64, allowed string) error {
	if math.IsNaN(v) || v < lo || v > hi {
		return &FieldError{field, v, allowed}
	}
	return nil
}

// Validate checks every field and returns the first problem found.
func (c WorldConfig) Validate() error {
	if c.Vocab < 2 {
		return &FieldError{"world.vocab", c.Vocab, "must be at least 2"}
	}
	if err := positive("world.length", c.Length); err != nil {
		return err
	}
	if n := math.Pow(float64(c.Vocab), float64(c.Length)); n > MaxSequences {
		return &FieldError{"world.vocab^world.length", fmt.Sprintf("%d^%d = %.0f", c.Vocab, c.Length, n),
			fmt.Sprintf("at most %d sequences can be enumerated", MaxSequences)}
	}
	if err := finiteIn("world.alpha", c.Alpha, 0, math.MaxFloat64, "must be a finite number ≥ 0"); err != nil {
		return err
	}
	switch c.Generator {
	case GeneratorJAX, GeneratorJAXLegacy, GeneratorGo:
	default:
		return &FieldError{"world.generator", c.Generator, `must be "jax", "jax-legacy" or "go"`}
	}
	return nil
}

// Validate checks every field and returns the first problem found.
func (c Config) Validate() error {
	if err := c.World.Validate(); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"net.embed", c.Net.Embed}, {"net.hidden", c.Net.Hidden},
		{"pretrain.batch", c.Pretrain.Batch}, {"pretrain.check_every", c.Pretrain.CheckEvery},
		{"pretrain.max_steps", c.Pretrain.MaxSteps},
		{"train.iterations", c.Train.Iterations}, {"train.steps", c.Train.Steps}, {"train.batch", c.Train.Batch},
	} {
		if err := positive(f.name, f.v); err != nil {
			return err
		}
	}
	if err := finiteIn("pretrain.label_noise", c.Pretrain.LabelNoise, 0, math.MaxFloat64, "must be a finite number ≥ 0"); err != nil {
		return err
	}
	if err := finiteIn("pretrain.target_alignment", c.Pretrain.TargetAlignment, -1, 1, "must lie in [-1, 1]"); err != nil {
		return err
	}
	if err := finiteIn("train.entropy_coef", c.Train.EntropyCoef, -math.MaxFloat64, math.MaxFloat64, "must be a finite number"); err != nil {
		return err
	}
	if err := finiteIn("train.learning_rate", c.Train.LearningRate, math.SmallestNonzeroFloat64, 1, "must lie in (0, 1]"); err != nil {
		return err
	}
	switch c.Train.Entropy {
	case EntropySampled, EntropyExact:
	default:
		return &FieldError{"train.entropy", c.Train.Entropy, `must be "sampled" or "exact"`}
	}
	return nil
}
