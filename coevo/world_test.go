package coevo

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestWorldQualityDeterministicAndSpread(t *testing.T) {
	for _, gen := range []Generator{GeneratorJAX, GeneratorJAXLegacy, GeneratorGo} {
		cfg := DefaultConfig().World
		cfg.Generator = gen
		a, err := NewWorld(cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewWorld(cfg)
		if a.Size != 4096 || len(a.Quality) != 4096 {
			t.Fatalf("%s: size %d, %d qualities; want 4096", gen, a.Size, len(a.Quality))
		}
		var mean, sq float64
		for x := range a.Quality {
			if a.Quality[x] != b.Quality[x] {
				t.Fatalf("%s: q*(%d) differs between two draws: %v vs %v", gen, x, a.Quality[x], b.Quality[x])
			}
			mean += a.Quality[x]
		}
		mean /= 4096
		for _, q := range a.Quality {
			sq += (q - mean) * (q - mean)
		}
		if sd := math.Sqrt(sq / 4096); sd < 0.3 {
			t.Errorf("%s: q* standard deviation %.3f, want a spread world (≥ 0.3)", gen, sd)
		}
		// q* recomputed from the weights, in float64.
		x := 1234
		tok := a.Tokens(x)
		var want float64
		for i, k := range tok {
			want += a.PositionWeights[i]*a.TokenWeights[k] + a.PairWeights[i*8+k]
		}
		if math.Abs(want-a.Quality[x]) > 1e-5 {
			t.Errorf("%s: q*(%d) = %v, weights give %v", gen, x, a.Quality[x], want)
		}
		t.Logf("%s: q* min %.4f (%s) max %.4f (%s) mean %.4f", gen, a.Quality[a.Worst()], a.Render(a.Worst()),
			a.Quality[a.Best()], a.Render(a.Best()), mean)
	}
}

func TestWorldIndexingAndRendering(t *testing.T) {
	w, err := NewWorld(DefaultConfig().World)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []int{0, 1, 8, 511, 4095} {
		got, err := w.Index(w.Tokens(x))
		if err != nil || got != x {
			t.Errorf("Index(Tokens(%d)) = %d, %v", x, got, err)
		}
	}
	if got := w.Render(0*512 + 2*64 + 4*8 + 6); got != "↑→↓←" {
		t.Errorf("Render = %q, want ↑→↓←", got)
	}
	for _, x := range []int{0, 769, 4095} {
		if got, err := w.Parse(w.Render(x)); err != nil || got != x {
			t.Errorf("Parse(Render(%d)) = %d, %v", x, got, err)
		}
	}
	if got, err := w.Parse("1 4 0 1"); err != nil || got != 769 {
		t.Errorf(`Parse("1 4 0 1") = %d, %v`, got, err)
	}
	for _, bad := range []string{"↑↑↑", "↑↑x↑", "1 2 3 9"} {
		if _, err := w.Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted a malformed sequence", bad)
		}
	}
	if _, err := w.Index([]int{0, 8, 0, 0}); err == nil {
		t.Error("Index accepted token 8 in an 8-token vocabulary")
	}
	if got := RenderTokens([]int{9, 10}); got != "9 10" {
		t.Errorf("RenderTokens beyond the arrows = %q", got)
	}
}

func TestWorldRefusesHugeSpaces(t *testing.T) {
	cfg := DefaultConfig().World
	cfg.Vocab, cfg.Length = 16, 6 // 2^24 sequences
	_, err := NewWorld(cfg)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "world.vocab^world.length" {
		t.Fatalf("NewWorld(16^6) error = %v, want a FieldError on world.vocab^world.length", err)
	}
}

func TestMetaHoldoutFixedAndNested(t *testing.T) {
	w, _ := NewWorld(DefaultConfig().World)
	if n := w.MetaHoldoutSize(0.05); n != 204 {
		t.Fatalf("holdout size %d, want ⌊4096·0.05⌋ = 204", n)
	}
	big, small := w.MetaHoldout(204), w.MetaHoldout(100)
	for i, p := range small {
		if p != big[i] {
			t.Fatalf("pair %d differs between holdouts of 100 and 204", i)
		}
		if p.Label != (w.Quality[p.A] > w.Quality[p.B]) {
			t.Fatalf("pair %d label %v disagrees with q*", i, p.Label)
		}
	}
}

// TestDefaultWorldPinned ties NewWorld's plumbing (key split, α scaling,
// float32 sums) to the weights pinned in jaxrand's TestWorld42 and to the
// summary in results/world.md: a change here changes every committed result.
func TestDefaultWorldPinned(t *testing.T) {
	w, err := NewWorld(DefaultConfig().World)
	if err != nil {
		t.Fatal(err)
	}
	for _, pin := range []struct {
		name string
		got  float64
		want float32
	}{
		{"w_pos[0]", w.PositionWeights[0], 0.07592554},
		{"w_tok[7]", w.TokenWeights[7], -1.2504351},
		{"w_pair[31] (α applied)", w.PairWeights[31], 0.37638673},
	} {
		if float32(pin.got) != pin.want {
			t.Errorf("%s = %v, want %v", pin.name, float32(pin.got), pin.want)
		}
	}
	// results/world.md prints q* to six decimals.
	if best := w.Best(); best != 769 || w.Render(best) != "↗↓↑↗" || fmt.Sprintf("%.6f", w.Quality[best]) != "3.265557" {
		t.Errorf("best sequence %d %s q* %.6f, want 769 ↗↓↑↗ 3.265557", best, w.Render(best), w.Quality[best])
	}
	if worst := w.Worst(); worst != 3170 || fmt.Sprintf("%.6f", w.Quality[worst]) != "-4.215679" {
		t.Errorf("worst sequence %d q* %.6f, want 3170 -4.215679", worst, w.Quality[worst])
	}
}
