package coevo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Arrows are the token glyphs of the default 8-token vocabulary, in index
// order: token 0 is ↑, token 2 is →, token 7 is ↖.
var Arrows = []string{"↑", "↗", "→", "↘", "↓", "↙", "←", "↖"}

// World is the enumerated output space and its ground-truth quality.
//
// Sequences are indexed lexicographically, index(x) = Σ_i x_i·K^(L−1−i), so
// that index 0 is all-zero tokens and the last index is all K−1.
type World struct {
	Config WorldConfig
	// Size is the number of sequences, K^L.
	Size int
	// Quality is q*(x) for every sequence index x.
	Quality []float64
	// tokenTable holds every sequence's tokens, row-major [Size, L], for
	// building graph inputs.
	tokenTable []int32
	// PositionWeights (L), TokenWeights (K) and PairWeights (L×K, row-major,
	// already scaled by α) define q*(x) = Σ_i w_pos[i]·w_tok[x_i] + Σ_i w_pair[i, x_i].
	PositionWeights, TokenWeights, PairWeights []float64
}

// NewWorld enumerates the world of cfg and draws q* from its seed.
func NewWorld(cfg WorldConfig) (*World, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	K, L := cfg.Vocab, cfg.Length
	wPos, wTok, wPair, err := drawQualityWeights(cfg)
	if err != nil {
		return nil, fmt.Errorf("draw world weights: %w", err)
	}
	w := &World{Config: cfg, Size: ipow(K, L), PositionWeights: wPos, TokenWeights: wTok, PairWeights: wPair}
	w.Quality = make([]float64, w.Size)
	tokens := make([]int, L)
	for x := range w.Size {
		_ = w.Decode(x, tokens) // x is in range and tokens has length L
		// Sum in float32, as the reference computes q* in float32. The
		// explicit conversion of each product rounds it before the sum, so
		// that no compiler fuses multiply and add (Go may, on arm64 for
		// one): q* is the same on every machine.
		var q float32
		for i, tok := range tokens {
			q += float32(float32(wPos[i]) * float32(wTok[tok]))
		}
		for i, tok := range tokens {
			q += float32(wPair[i*K+tok])
		}
		w.Quality[x] = float64(q)
		for _, tok := range tokens {
			w.tokenTable = append(w.tokenTable, int32(tok))
		}
	}
	return w, nil
}

// drawQualityWeights draws w_pos ~ N(0,1)^L, w_tok ~ N(0,1)^K and
// w_pair ~ α·N(0,1)^(L×K) with the configured generator, in float32.
func drawQualityWeights(cfg WorldConfig) (wPos, wTok, wPair []float64, err error) {
	K, L := cfg.Vocab, cfg.Length
	var pos, tok, pair []float32
	switch cfg.Generator {
	case GeneratorJAX, GeneratorJAXLegacy:
		pos, tok, pair, err = jaxQualityWeights(cfg.Seed, L, K, cfg.Generator == GeneratorJAXLegacy)
		if err != nil {
			return nil, nil, nil, err
		}
	default:
		rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamWorld))
		normals := func(n int) []float32 {
			v := make([]float32, n)
			for i := range v {
				v[i] = float32(rng.NormFloat64())
			}
			return v
		}
		pos, tok, pair = normals(L), normals(K), normals(L*K)
	}
	alpha := float32(cfg.Alpha)
	for i := range pair {
		pair[i] *= alpha
	}
	return widen(pos), widen(tok), widen(pair), nil
}

func widen(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func ipow(base, exp int) int {
	n := 1
	for range exp {
		n *= base
	}
	return n
}

// Decode writes the tokens of sequence index x into tokens[:L]. An index
// outside [0, Size) or a slice shorter than L is an error.
func (w *World) Decode(x int, tokens []int) error {
	if x < 0 || x >= w.Size {
		return fmt.Errorf("decode: index %d outside [0, %d)", x, w.Size)
	}
	if len(tokens) < w.Config.Length {
		return fmt.Errorf("decode: room for %d tokens, the world's length is %d", len(tokens), w.Config.Length)
	}
	K := w.Config.Vocab
	for i := w.Config.Length - 1; i >= 0; i-- {
		tokens[i] = x % K
		x /= K
	}
	return nil
}

// Tokens returns the tokens of sequence index x, or nil when x is outside
// [0, Size).
func (w *World) Tokens(x int) []int {
	tokens := make([]int, w.Config.Length)
	if w.Decode(x, tokens) != nil {
		return nil
	}
	return tokens
}

// Index returns the lexicographic index of a token sequence, or an error if
// it has the wrong length or a token outside the vocabulary.
func (w *World) Index(tokens []int) (int, error) {
	if len(tokens) != w.Config.Length {
		return 0, fmt.Errorf("sequence %v has length %d, the world's length is %d", tokens, len(tokens), w.Config.Length)
	}
	x := 0
	for i, tok := range tokens {
		if tok < 0 || tok >= w.Config.Vocab {
			return 0, fmt.Errorf("token %d at position %d is outside the vocabulary [0, %d)", tok, i, w.Config.Vocab)
		}
		x = x*w.Config.Vocab + tok
	}
	return x, nil
}

// Render writes sequence index x in arrows (for K ≤ 8) or as token numbers
// separated by spaces; an index outside [0, Size) renders empty.
func (w *World) Render(x int) string {
	return RenderTokens(w.Tokens(x))
}

// RenderTokens writes a token sequence in arrows when every token has one,
// else as numbers separated by spaces.
func RenderTokens(tokens []int) string {
	var b strings.Builder
	for _, tok := range tokens {
		if tok < 0 || tok >= len(Arrows) {
			parts := make([]string, len(tokens))
			for i, t := range tokens {
				parts[i] = fmt.Sprint(t)
			}
			return strings.Join(parts, " ")
		}
		b.WriteString(Arrows[tok])
	}
	return b.String()
}

// Parse reads a sequence written by Render (arrows, or token numbers
// separated by spaces) and returns its index.
func (w *World) Parse(text string) (int, error) {
	var tokens []int
	if fields := strings.Fields(text); len(fields) > 1 {
		for _, f := range fields {
			var tok int
			if _, err := fmt.Sscan(f, &tok); err != nil {
				return 0, fmt.Errorf("parse sequence %q: %q is not a token number", text, f)
			}
			tokens = append(tokens, tok)
		}
	} else {
		for _, r := range text {
			tok := slices.Index(Arrows, string(r))
			if tok < 0 {
				return 0, fmt.Errorf("parse sequence %q: %q is not one of the arrows %s", text, r, strings.Join(Arrows, " "))
			}
			tokens = append(tokens, tok)
		}
	}
	x, err := w.Index(tokens)
	if err != nil {
		return 0, fmt.Errorf("parse sequence %q: %w", text, err)
	}
	return x, nil
}

// Best returns the index of the sequence of highest q* (the first, on ties).
func (w *World) Best() int { return argExtreme(w.Quality, 1) }

// Worst returns the index of the sequence of lowest q* (the first, on ties).
func (w *World) Worst() int { return argExtreme(w.Quality, -1) }

func argExtreme(v []float64, sign float64) int {
	best := 0
	for i, x := range v {
		if sign*x > sign*v[best] {
			best = i
		}
	}
	return best
}

// MaxEntropy is ln(K^L), the entropy of the uniform policy.
func (w *World) MaxEntropy() float64 { return math.Log(float64(w.Size)) }

// Pair is an ordered pair of sequence indices with its ground-truth label
// 1[q*(A) > q*(B)].
type Pair struct {
	A, B  int
	Label bool
}

// MetaHoldout returns the first n held-out meta-judge pairs: drawn uniformly
// with replacement once from the world seed, the same for every seed and
// condition, and nested, so a smaller holdout is a prefix of a larger one.
// A negative n gives no pairs.
func (w *World) MetaHoldout(n int) []Pair {
	n = max(n, 0)
	rng := rand.New(rand.NewPCG(uint64(w.Config.Seed), streamMetaHoldout))
	pairs := make([]Pair, n)
	for i := range pairs {
		a, b := rng.IntN(w.Size), rng.IntN(w.Size)
		pairs[i] = Pair{a, b, w.Quality[a] > w.Quality[b]}
	}
	return pairs
}

// MetaHoldoutSize is ⌊N·fraction⌋, the number of held-out pairs of a
// meta-judge with the given holdout fraction.
func (w *World) MetaHoldoutSize(fraction float64) int {
	return int(math.Floor(float64(w.Size) * fraction))
}

// QualityStats summarises q* over the enumerated space.
type QualityStats struct {
	Min, Max, Mean, Std float64
	Best, Worst         int // indices of the extremes (the first, on ties)
}

// Stats computes q*'s range, mean and (population) standard deviation.
func (w *World) Stats() QualityStats {
	s := QualityStats{Best: w.Best(), Worst: w.Worst()}
	s.Min, s.Max = w.Quality[s.Worst], w.Quality[s.Best]
	for _, q := range w.Quality {
		s.Mean += q
	}
	s.Mean /= float64(w.Size)
	for _, q := range w.Quality {
		s.Std += (q - s.Mean) * (q - s.Mean)
	}
	s.Std = math.Sqrt(s.Std / float64(w.Size))
	return s
}
