package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/figures"
	"github.com/coevolab/coevolab/coevo/report"
)

// DefaultFiguresDir is where figures writes by default.
const DefaultFiguresDir = "results/figures"

// loadFlags are the flags summary and figures share.
type loadFlags struct {
	runs           []string
	dropIncomplete bool
}

func (l *loadFlags) register(fs *flag.FlagSet) {
	fs.Var(listFlag{&l.runs}, "runs", "read the runs under `DIR`; repeat the flag to merge several folders (default "+DefaultRunsDir+")")
	fs.BoolVar(&l.dropIncomplete, "drop-incomplete", false,
		"drop unfinished runs and tolerate missing seeds, saying which, instead of refusing them")
}

// load reads the runs folders, writing the loader's warnings on stderr.
func (l *loadFlags) load(e *env) (*report.Runs, error) {
	dirs := l.runs
	if len(dirs) == 0 {
		dirs = []string{DefaultRunsDir}
	}
	runs, err := report.LoadWith(report.LoadOptions{DropIncomplete: l.dropIncomplete}, dirs...)
	if err != nil {
		if !l.dropIncomplete && (errors.Is(err, report.ErrIncomplete) || errors.Is(err, report.ErrMissingSeed)) {
			return nil, fmt.Errorf("%w (--drop-incomplete leaves such runs out)", err)
		}
		return nil, err
	}
	for _, w := range runs.Warnings() {
		e.logf("warning: %s", w)
	}
	return runs, nil
}

func summaryFlags(fs *flag.FlagSet) func([]string) (job, error) {
	var l loadFlags
	var format string
	l.register(fs)
	fs.StringVar(&format, "format", "md", "print the table as `FORMAT` md (Markdown) or csv")
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		write := report.WriteMarkdown
		switch format {
		case "md", "markdown":
		case "csv":
			write = report.WriteCSV
		default:
			return nil, usagef("invalid --format = %q: must be md or csv", format)
		}
		return func(_ context.Context, e *env) error {
			runs, err := l.load(e)
			if err != nil {
				return err
			}
			return write(e.stdout, report.Summarize(runs))
		}, nil
	}
}

func figuresFlags(fs *flag.FlagSet) func([]string) (job, error) {
	var l loadFlags
	var out, condition string
	l.register(fs)
	fs.StringVar(&out, "out", DefaultFiguresDir, "write the figures under `DIR`")
	fs.StringVar(&condition, "condition", report.Baseline, "draw the headline figure of condition `NAME` (as well as the baseline's)")
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		if _, err := coevo.ConditionByName(condition); err != nil {
			var fe *coevo.FieldError
			if errors.As(err, &fe) {
				return nil, usagef("invalid --condition = %q: %s", condition, fe.Allowed)
			}
			return nil, usageError{err}
		}
		if out == "" {
			return nil, usagef("invalid --out = \"\": must name a folder")
		}
		return func(_ context.Context, e *env) error {
			runs, err := l.load(e)
			if err != nil {
				return err
			}
			if !runs.Has(condition) {
				return usagef("invalid --condition = %q: the runs hold no run of it (they hold %s)",
					condition, strings.Join(runs.Conditions(), ", "))
			}
			refs, note := referenceLines(runs, condition)
			if note != "" {
				e.logf("warning: %s", note)
			}
			files, notes, err := figures.SaveAll(runs, refs, out)
			for _, f := range files {
				fmt.Fprintln(e.stdout, f)
			}
			if err != nil {
				return err
			}
			// SaveAll draws the baseline's headline (or the first
			// condition's without a baseline); draw the one asked for too.
			if !slices.Contains(files, headlinePNG(out, condition)) {
				fig, err := figures.Headline(runs, condition, refs)
				if err != nil {
					return err
				}
				more, err := figures.Save(fig, out)
				for _, f := range more {
					fmt.Fprintln(e.stdout, f)
				}
				if err != nil {
					return err
				}
			}
			for _, n := range notes {
				e.logf("note: %s", n)
			}
			return nil
		}, nil
	}
}

// headlinePNG is the PNG file figures.Save writes for a headline figure.
func headlinePNG(dir, condition string) string {
	return filepath.Join(dir, "headline_"+condition+".png")
}

// referenceLines computes the dashed reference lines from the world that
// the headline condition's runs recorded in their manifests: max q* and
// ln K^L. It falls back to the default world, with a note, when the
// manifests hold no usable world, and notes when the runs use several
// worlds.
func referenceLines(runs *report.Runs, condition string) (figures.Refs, string) {
	var note string
	world := coevo.DefaultConfig().World
	if rs := runs.Condition(condition); len(rs) > 0 && rs[0].Manifest.Config.World.Validate() == nil {
		world = rs[0].Manifest.Config.World
	} else {
		note = "the manifests record no world: the reference lines use the default world"
	}
	for _, c := range runs.Conditions() {
		for _, r := range runs.Condition(c) {
			if w := r.Manifest.Config.World; w.Validate() == nil && w != world && note == "" {
				note = fmt.Sprintf("the runs use several worlds (%s seed %d differs from %s): the reference lines use %s's",
					c, r.Seed(), condition, condition)
			}
		}
	}
	w, err := coevo.NewWorld(world)
	if err != nil {
		return figures.Refs{}, fmt.Sprintf("no reference lines: %v", err)
	}
	return figures.Refs{MaxQuality: w.Quality[w.Best()], MaxEntropy: w.MaxEntropy()}, note
}

func conditionsFlags(*flag.FlagSet) func([]string) (job, error) {
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		return func(_ context.Context, e *env) error { return writeConditions(e.stdout) }, nil
	}
}

// writeConditions lists the grid's conditions with their knobs, marking the
// boundary conditions.
func writeConditions(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range coevo.Grid() {
		name := c.Name
		if slices.Contains(coevo.BoundaryConditions, c.Name) {
			name += " †"
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, c.Knobs.Describe())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n† boundary conditions, not practical methods: %s (frozen judge) is the lower bound, "+
		"%s (10%% ground-truth anchor) the upper bound.\n"+
		"Other settings of the families resolve too: asymmetric_N, ensemble_N, reinit_N, anchor_F, meta_N, asym_meta_N.\n",
		coevo.BoundaryConditions[0], coevo.BoundaryConditions[1])
	return err
}
