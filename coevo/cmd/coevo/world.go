package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/coevolab/coevolab/coevo"
)

func worldFlags(fs *flag.FlagSet) func([]string) (job, error) {
	generator := fs.String("generator", string(coevo.GeneratorJAX), `generator of the q* weights: "jax", "jax-legacy" or "go"`)
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		cfg := coevo.DefaultConfig().World
		cfg.Generator = coevo.Generator(*generator)
		if err := cfg.Validate(); err != nil {
			return nil, usagef("--generator: %v", err)
		}
		return func(_ context.Context, e *env) error {
			w, err := coevo.NewWorld(cfg)
			if err != nil {
				return err
			}
			return writeWorld(e.stdout, w)
		}, nil
	}
}

// writeWorld describes the world's q* in Markdown: its weights at full
// float32 precision, so that anyone can compare them with their own draw,
// and the table's summary.
func writeWorld(w io.Writer, world *coevo.World) error {
	c := world.Config
	s := world.Stats()
	f32 := func(v []float64) string {
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.FormatFloat(x, 'g', -1, 32)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# The world: q* drawn with generator %q from seed %d\n\n", c.Generator, c.Seed)
	fmt.Fprintf(&b, "K = %d tokens, L = %d positions, %d sequences, α = %g.\n\n", c.Vocab, c.Length, world.Size, c.Alpha)
	fmt.Fprintf(&b, "- w_pos = %s\n- w_tok = %s\n", f32(world.PositionWeights), f32(world.TokenWeights))
	fmt.Fprintf(&b, "- w_pair (α·N(0,1), row-major L×K) = %s\n\n", f32(world.PairWeights))
	fmt.Fprintf(&b, "| q* | value | sequence |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| max | %.6f | %s (index %d) |\n", s.Max, world.Render(s.Best), s.Best)
	fmt.Fprintf(&b, "| min | %.6f | %s (index %d) |\n", s.Min, world.Render(s.Worst), s.Worst)
	fmt.Fprintf(&b, "| mean | %.6f | |\n| std | %.6f | |\n\n", s.Mean, s.Std)
	order := make([]int, world.Size)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return -cmpFloat(world.Quality[a], world.Quality[b]) })
	fmt.Fprintf(&b, "Top five: ")
	for i, x := range order[:5] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %.4f", world.Render(x), world.Quality[x])
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
