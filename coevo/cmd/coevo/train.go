package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// DefaultRunsDir is where run and sweep write, and summary and figures
// read, by default.
const DefaultRunsDir = "results/runs"

// trainFlags are the flags run and sweep share.
type trainFlags struct {
	seeds             string
	iterations, steps int
	out               string
	force, quiet      bool
	entropy           string
}

func (t *trainFlags) register(fs *flag.FlagSet) {
	def := coevo.DefaultConfig()
	t.iterations, t.steps = def.Train.Iterations, def.Train.Steps
	fs.StringVar(&t.seeds, "seeds", "0-4", "run the seeds of `LIST`, seeds and ranges such as 0-4, 0,2,5 or 0-2,7")
	fs.Var(intFlag{&t.iterations, 1}, "iterations", "`N` outer iterations per run (N ≥ 1)")
	fs.Var(intFlag{&t.steps, 1}, "steps", "`N` inner steps per outer iteration (N ≥ 1)")
	fs.StringVar(&t.out, "out", DefaultRunsDir, "write the runs under `DIR`, as DIR/<condition>/seed_<K>.jsonl and .manifest.json")
	fs.BoolVar(&t.force, "force", false, "run again, and overwrite, runs already finished in DIR (also those made with another configuration)")
	fs.BoolVar(&t.quiet, "quiet", false, "no progress bar and no progress messages")
	fs.StringVar(&t.entropy, "entropy", string(coevo.EntropySampled),
		"the policy loss's entropy term, `MODE` sampled (the original's, zero expected gradient) or exact (β·Σ π log π over all sequences)")
}

// config checks the shared flags and returns the configuration and seeds.
func (t *trainFlags) config() (coevo.Config, []int, error) {
	cfg := coevo.DefaultConfig()
	seeds, err := coevo.ParseSeeds(t.seeds)
	if err != nil {
		return cfg, nil, usageError{err}
	}
	switch mode := coevo.EntropyMode(t.entropy); mode {
	case coevo.EntropySampled, coevo.EntropyExact:
		cfg.Train.Entropy = mode
	default:
		return cfg, nil, usagef("invalid --entropy = %q: must be %q or %q", t.entropy, coevo.EntropySampled, coevo.EntropyExact)
	}
	if t.out == "" {
		return cfg, nil, usagef("invalid --out = \"\": must name a folder")
	}
	cfg.Train.Iterations, cfg.Train.Steps = t.iterations, t.steps
	if err := cfg.Validate(); err != nil {
		return cfg, nil, usageError{err}
	}
	return cfg, seeds, nil
}

func runFlags(fs *flag.FlagSet) func([]string) (job, error) {
	var t trainFlags
	var condition string
	fs.StringVar(&condition, "condition", "baseline", "run the condition `NAME`: one of the grid (coevo conditions) or another setting of a family, e.g. asymmetric_7")
	t.register(fs)
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		cond, err := coevo.ConditionByName(condition)
		if err != nil {
			var fe *coevo.FieldError
			if errors.As(err, &fe) {
				return nil, usagef("invalid --condition = %q: %s", condition, fe.Allowed)
			}
			return nil, usageError{err}
		}
		if err := cond.Knobs.Validate(); err != nil {
			return nil, usagef("invalid --condition = %q: %v", condition, err)
		}
		cfg, seeds, err := t.config()
		if err != nil {
			return nil, err
		}
		specs := coevo.Expand([]coevo.Condition{cond}, seeds)
		return trainJob{flags: t, cfg: cfg, specs: specs, oneBatch: true}.run, nil
	}
}

func sweepFlags(fs *flag.FlagSet) func([]string) (job, error) {
	var t trainFlags
	var conditions, shard string
	var maxBatch int
	fs.StringVar(&conditions, "conditions", "", "run the conditions of `LIST`, names separated by commas (default: the 17 conditions of the grid)")
	fs.StringVar(&shard, "shard", "", "run only shard `I/N` (0 ≤ I < N) of the runs: those at positions i with i mod N = I (default: all runs)")
	fs.Var(intFlag{&maxBatch, 0}, "max-batch", "advance at most `N` runs together; 0 advances the runs of each seed together")
	t.register(fs)
	return func(args []string) (job, error) {
		if err := noArgs(args); err != nil {
			return nil, err
		}
		conds := coevo.Grid()
		if conditions != "" {
			var err error
			if conds, err = coevo.ParseConditions(conditions); err != nil {
				return nil, usageError{err}
			}
		}
		for _, c := range conds {
			if err := c.Knobs.Validate(); err != nil {
				return nil, usagef("invalid --conditions: %s: %v", c.Name, err)
			}
		}
		cfg, seeds, err := t.config()
		if err != nil {
			return nil, err
		}
		all := coevo.Expand(conds, seeds)
		specs := all
		shardNote := ""
		if shard != "" {
			index, count, err := coevo.ParseShard(shard)
			if err != nil {
				return nil, usageError{err}
			}
			if specs, err = coevo.Shard(all, index, count); err != nil {
				return nil, usageError{err}
			}
			shardNote = fmt.Sprintf("shard %d/%d: %d of the sweep's %d runs", index, count, len(specs), len(all))
		}
		return trainJob{flags: t, cfg: cfg, specs: specs, maxBatch: maxBatch, shardNote: shardNote}.run, nil
	}
}

// trainJob runs and writes a list of runs, then prints their table.
type trainJob struct {
	flags     trainFlags
	cfg       coevo.Config
	specs     []coevo.RunSpec
	oneBatch  bool // all runs in one batch (coevo run)
	maxBatch  int
	shardNote string
}

func (j trainJob) run(ctx context.Context, e *env) error {
	out := j.flags.out
	if j.shardNote != "" {
		e.logf("%s", j.shardNote)
	}
	if len(j.specs) == 0 {
		e.logf("nothing to run")
		return nil
	}
	todo, finished, err := coevo.Resume(out, j.cfg, j.specs, j.flags.force)
	if err != nil {
		return err
	}
	if len(finished) > 0 {
		e.logf("skipping %d run(s) already finished with this configuration in %s (--force runs them again): %s",
			len(finished), out, listSpecs(finished, 6))
	}
	if len(todo) > 0 {
		if err := j.train(ctx, e, todo); err != nil {
			return err
		}
	}
	return writeTable(e.stdout, out, j.specs)
}

// train runs the runs still to do, with a progress bar and one message per
// finished batch.
func (j trainJob) train(ctx context.Context, e *env, todo []coevo.RunSpec) error {
	out := j.flags.out
	backend, err := coevo.SelectBackend()
	if err != nil {
		return err
	}
	backend.Announce(e.stderr)
	lab, err := coevo.NewLab(j.cfg, backend)
	if err != nil {
		return err
	}
	maxBatch := j.maxBatch
	if j.oneBatch {
		maxBatch = len(todo)
	}
	batches := coevo.Batches(todo, maxBatch)
	bar := newProgressBar(e.stderr, e.tty && !j.flags.quiet, e.columns)
	start := time.Now()
	var ended, batch, failed int
	opts := coevo.SweepOptions{
		Out: out, Force: j.flags.force, MaxBatch: maxBatch, Progress: bar.Update,
		OnRun: func(r coevo.RunResult) {
			ended++
			if r.Err != nil {
				failed++
				bar.Logf("coevo: %s failed, not written: %v", r.Spec, r.Err)
			}
			if batch < len(batches) && ended == batchEnd(batches, batch) {
				if !j.flags.quiet && len(batches) > 1 {
					bar.Logf("coevo: batch %d/%d done (%s): %d/%d runs finished, %s elapsed",
						batch+1, len(batches), batchLabel(batches[batch]), ended, len(todo), fmtDuration(time.Since(start)))
				}
				batch++
			}
		},
	}
	res, err := coevo.Sweep(ctx, lab, j.specs, opts)
	bar.Finish()
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return interrupted{err: err, msg: fmt.Sprintf("interrupted (%v) after %d of %d run(s); the finished runs are in %s: "+
				"run the same command again to resume after them", context.Cause(ctx), len(res.Written), len(todo), out)}
		}
		if len(res.Written) > 0 {
			return fmt.Errorf("%w (%d run(s) finished and written to %s)", err, len(res.Written), out)
		}
		return err
	}
	if !j.flags.quiet {
		steps := len(res.Written) * j.cfg.Train.Iterations * j.cfg.Train.Steps
		el := time.Since(start)
		e.logf("%d run(s) written to %s in %s (%.0f run-steps/s, pretraining included)",
			len(res.Written), out, fmtDuration(el), float64(steps)/el.Seconds())
		pt := lab.Times()
		share := func(d time.Duration) string {
			return fmt.Sprintf("%s (%.0f%%)", fmtDuration(d), 100*d.Seconds()/el.Seconds())
		}
		e.logf("time by phase: pretraining %s, training %s, diagnostics %s",
			share(pt.Pretrain), share(pt.Train), share(pt.Diagnostics))
	}
	return nil
}

// interrupted is the error of a cancelled job: its message says how to
// resume, and it wraps the cancellation.
type interrupted struct {
	err error
	msg string
}

func (e interrupted) Error() string { return e.msg }
func (e interrupted) Unwrap() error { return e.err }

// batchEnd is the number of runs ended when batch i (0-based) ends.
func batchEnd(batches [][]coevo.RunSpec, i int) int {
	n := 0
	for _, b := range batches[:i+1] {
		n += len(b)
	}
	return n
}

// batchLabel says which seeds a batch holds.
func batchLabel(batch []coevo.RunSpec) string {
	var seeds []string
	seen := map[int]bool{}
	for _, s := range batch {
		if !seen[s.Seed] {
			seen[s.Seed] = true
			seeds = append(seeds, strconv.Itoa(s.Seed))
		}
	}
	if len(seeds) == 1 {
		return fmt.Sprintf("seed %s, %d runs", seeds[0], len(batch))
	}
	return fmt.Sprintf("seeds %s, %d runs", strings.Join(seeds, ","), len(batch))
}

// listSpecs names up to n runs.
func listSpecs(specs []coevo.RunSpec, n int) string {
	var parts []string
	for i, s := range specs {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(specs)-n))
			break
		}
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ", ")
}

// writeTable reads the runs of specs from out and prints their table.
func writeTable(w io.Writer, out string, specs []coevo.RunSpec) error {
	var runs []report.Run
	for _, s := range specs {
		m, err := coevo.ReadManifest(out, s.Condition.Name, s.Seed)
		if err != nil {
			continue // failed runs are not written; their errors were reported
		}
		recPath, _ := coevo.RunPaths(out, s.Condition.Name, s.Seed)
		recs, err := coevo.ReadRecords(recPath)
		if err != nil {
			return fmt.Errorf("summary table: %w", err)
		}
		runs = append(runs, report.Run{Manifest: m, Records: recs, Source: recPath})
	}
	if len(runs) == 0 {
		return nil
	}
	rs, err := report.NewRuns(report.LoadOptions{DropIncomplete: true}, runs...)
	if err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	return writeRunTable(w, report.Summarize(rs))
}

// writeRunTable prints the short table of run and sweep: per condition, the
// final policy quality, judge alignment and policy entropy as mean ± std
// over seeds, and the iteration of peak quality (mean, and per seed).
func writeRunTable(w io.Writer, sums []report.ConditionSummary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "condition\tseeds\tfinal quality\tjudge alignment\tpolicy entropy\tpeak iteration (per seed)")
	for _, s := range sums {
		name := s.Condition
		if s.Boundary {
			name += " †"
		}
		peaks := make([]string, len(s.PeakIterations))
		for i, p := range s.PeakIterations {
			peaks[i] = strconv.Itoa(p)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", name, len(s.Seeds),
			meanStd(s.Final[report.PolicyQuality]), meanStd(s.Final[report.JudgeAlignment]),
			meanStd(s.Final[report.PolicyEntropy]),
			fmt.Sprintf("%.1f (%s)", s.PeakIteration.Mean, strings.Join(peaks, ",")))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	if slices.ContainsFunc(sums, func(s report.ConditionSummary) bool { return s.Boundary }) {
		if _, err := fmt.Fprintln(w, "† boundary condition (frozen: lower bound, anchor_0.1: upper bound), not a practical method"); err != nil {
			return fmt.Errorf("summary table: %w", err)
		}
	}
	return nil
}

// meanStd renders a Stat as "mean ± std", the mean alone for one seed.
func meanStd(s report.Stat) string {
	switch {
	case math.IsNaN(s.Mean):
		return "n/a"
	case math.IsNaN(s.Std):
		return fmt.Sprintf("%.3f", s.Mean)
	}
	return fmt.Sprintf("%.3f ± %.3f", s.Mean, s.Std)
}
