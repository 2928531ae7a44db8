package coevo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file plans and runs sweeps: many (condition, seed) runs, split into
// shards for several machines, resumed from what a results folder already
// holds, and run in batches so that an interruption loses little.

// MaxSweepSeeds bounds the number of seeds ParseSeeds accepts, so that a
// mistyped range such as "0-4000000" is refused instead of planned.
const MaxSweepSeeds = 10000

// ParseSeeds parses a seed list as given to the CLI's --seeds flag: comma
// separated items, each a seed ("7") or an inclusive range ("0-4"), such as
// "0-4", "0,2,5" or "0-2,7". Seeds are returned in the order written, ranges
// in increasing order. Seeds must be non-negative integers, ranges must run
// from low to high, no seed may appear twice, and the list may hold at most
// MaxSweepSeeds seeds. Errors are *FieldError values naming --seeds.
func ParseSeeds(s string) ([]int, error) {
	bad := func(allowed string) error { return &FieldError{"--seeds", strconv.Quote(s), allowed} }
	const form = `a comma-separated list of seeds (integers ≥ 0) and ranges "low-high", e.g. "0-4" or "0,2,5" or "0-2,7"`
	if strings.TrimSpace(s) == "" {
		return nil, bad("no seeds given: want " + form)
	}
	var seeds []int
	seen := make(map[int]bool)
	add := func(v int) error {
		if seen[v] {
			return bad(fmt.Sprintf("seed %d appears twice; each seed may be listed once", v))
		}
		if len(seeds) == MaxSweepSeeds {
			return bad(fmt.Sprintf("more than %d seeds", MaxSweepSeeds))
		}
		seen[v] = true
		seeds = append(seeds, v)
		return nil
	}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, bad("empty item: want " + form)
		}
		if strings.HasPrefix(item, "-") {
			return nil, bad(fmt.Sprintf("%q is negative: seeds are integers ≥ 0", item))
		}
		lo, hi, isRange := strings.Cut(item, "-")
		a, err := parseSeed(lo)
		if err != nil {
			return nil, bad(fmt.Sprintf("%q: %v; want %s", item, err, form))
		}
		if !isRange {
			if err := add(a); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasPrefix(hi, "-") {
			return nil, bad(fmt.Sprintf("%q: the range's end is negative: seeds are integers ≥ 0", item))
		}
		b, err := parseSeed(hi)
		if err != nil {
			return nil, bad(fmt.Sprintf("%q: %v; want %s", item, err, form))
		}
		if b < a {
			return nil, bad(fmt.Sprintf("reversed range %q: a range runs from low to high, e.g. %d-%d", item, b, a))
		}
		if b-a >= MaxSweepSeeds {
			return nil, bad(fmt.Sprintf("range %q holds more than %d seeds", item, MaxSweepSeeds))
		}
		for v := a; v <= b; v++ {
			if err := add(v); err != nil {
				return nil, err
			}
		}
	}
	return seeds, nil
}

// parseSeed parses one non-negative decimal seed.
func parseSeed(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("missing number")
	}
	v, err := strconv.Atoi(s)
	if err != nil || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%q is not a non-negative integer", s)
	}
	return v, nil
}

// ParseConditions parses a comma-separated list of condition names, as given
// to the CLI's --conditions flag, resolving each with ConditionByName.
// Names must be distinct. Errors are *FieldError values naming --conditions.
func ParseConditions(s string) ([]Condition, error) {
	bad := func(allowed string) error { return &FieldError{"--conditions", strconv.Quote(s), allowed} }
	if strings.TrimSpace(s) == "" {
		return nil, bad("no conditions given: want a comma-separated list of condition names, e.g. baseline,asymmetric_10 (`coevo conditions` lists them)")
	}
	var conds []Condition
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, bad("empty name: want a comma-separated list of condition names, e.g. baseline,asymmetric_10")
		}
		c, err := ConditionByName(name)
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return nil, bad(fmt.Sprintf("condition %q: %s", name, fe.Allowed))
			}
			return nil, bad(fmt.Sprintf("condition %q: %v", name, err))
		}
		if slices.ContainsFunc(conds, func(o Condition) bool { return o.Name == name }) {
			return nil, bad(fmt.Sprintf("condition %q appears twice; each condition may be listed once", name))
		}
		conds = append(conds, c)
	}
	return conds, nil
}

// Expand lists every run of conditions × seeds, condition-major: all seeds
// of the first condition (in the order of seeds), then all seeds of the
// second, and so on. The order is the one Shard slices.
func Expand(conds []Condition, seeds []int) []RunSpec {
	specs := make([]RunSpec, 0, len(conds)*len(seeds))
	for _, c := range conds {
		for _, s := range seeds {
			specs = append(specs, RunSpec{Condition: c, Seed: s})
		}
	}
	return specs
}

// ParseShard parses a shard spec "I/N" as given to the CLI's --shard flag:
// shard I of N, with integers 0 ≤ I < N. Errors are *FieldError values
// naming --shard.
func ParseShard(s string) (index, count int, err error) {
	bad := func(allowed string) error { return &FieldError{"--shard", strconv.Quote(s), allowed} }
	const form = `want "I/N", shard I of N with integers 0 ≤ I < N, e.g. "0/4"`
	i, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, 0, bad("no \"/\": " + form)
	}
	index, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case err1 != nil || err2 != nil:
		return 0, 0, bad("not two integers: " + form)
	case count < 1:
		return 0, 0, bad(fmt.Sprintf("the shard count N = %d must be at least 1: %s", count, form))
	case index < 0 || index >= count:
		return 0, 0, bad(fmt.Sprintf("the shard index I = %d must lie in 0..%d: %s", index, count-1, form))
	}
	return index, count, nil
}

// Shard returns shard index of count of specs: every run whose position i
// in specs satisfies i mod count = index, in the order of specs. The count
// shards of a list partition it exactly, and their sizes differ by at most
// one. With specs from Expand and count equal to the number of seeds, each
// shard holds every condition of one seed, so each machine pretrains the
// judges of one seed only. Shard fails, naming --shard, unless
// 0 ≤ index < count.
func Shard(specs []RunSpec, index, count int) ([]RunSpec, error) {
	if count < 1 || index < 0 || index >= count {
		return nil, &FieldError{"--shard", fmt.Sprintf("%d/%d", index, count), "want I/N with integers 0 ≤ I < N"}
	}
	var out []RunSpec
	for i := index; i < len(specs); i += count {
		out = append(out, specs[i])
	}
	return out, nil
}

// checkSpecs validates every spec and refuses two runs that would write the
// same files (the same condition name and seed).
func checkSpecs(specs []RunSpec) error {
	type key struct {
		name string
		seed int
	}
	seen := make(map[key]bool, len(specs))
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return err
		}
		k := key{s.Condition.Name, s.Seed}
		if seen[k] {
			return fmt.Errorf("sweep: %s is listed twice", s)
		}
		seen[k] = true
	}
	return nil
}

// ConflictError reports runs that a results folder already holds with other
// inputs (another configuration or other knobs under the same condition name
// and seed). Sweeps refuse to overwrite them unless forced.
type ConflictError struct {
	Out   string
	Runs  []RunSpec // the runs in conflict, in the order of the plan
	Paths []string  // their manifests
	Have  []string  // the ConfigHash each manifest records
	Want  []string  // the RunHash the sweep would record
}

// Error names the conflicting runs (the first three) and both hashes.
func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d run(s) in %s were made with another configuration than this one", len(e.Runs), e.Out)
	for i := range min(len(e.Runs), 3) {
		fmt.Fprintf(&b, "; %s (hash %s, this run's hash %s)", e.Paths[i], e.Have[i], e.Want[i])
	}
	if len(e.Runs) > 3 {
		fmt.Fprintf(&b, "; and %d more", len(e.Runs)-3)
	}
	b.WriteString(": rerun with --force to overwrite them, or choose another folder with --out")
	return b.String()
}

// Resume splits specs into the runs still to do and those already finished
// under out with the same inputs: a run is finished when its manifest
// exists, its ConfigHash equals RunHash(cfg, knobs, seed) and its records
// file exists. With force every run is to do. Without force, a manifest
// recording another hash for the same condition and seed is refused with a
// *ConflictError listing every such run; an unreadable manifest is an error
// too. Both lists keep the order of specs.
func Resume(out string, cfg Config, specs []RunSpec, force bool) (todo, finished []RunSpec, err error) {
	if force {
		return slices.Clone(specs), nil, nil
	}
	var conflict ConflictError
	for _, s := range specs {
		m, err := ReadManifest(out, s.Condition.Name, s.Seed)
		if errors.Is(err, fs.ErrNotExist) {
			todo = append(todo, s)
			continue
		}
		recPath, manPath := RunPaths(out, s.Condition.Name, s.Seed)
		if err != nil {
			return nil, nil, fmt.Errorf("resume %s: %w (rerun with --force to overwrite it)", s, err)
		}
		want := RunHash(cfg, s.Condition.Knobs, s.Seed)
		if m.ConfigHash != want {
			conflict.Runs = append(conflict.Runs, s)
			conflict.Paths = append(conflict.Paths, manPath)
			conflict.Have = append(conflict.Have, m.ConfigHash)
			conflict.Want = append(conflict.Want, want)
			continue
		}
		if _, err := os.Stat(recPath); err != nil {
			todo = append(todo, s) // a manifest without its records: run it again
			continue
		}
		finished = append(finished, s)
	}
	if len(conflict.Runs) > 0 {
		conflict.Out = out
		return nil, nil, &conflict
	}
	return todo, finished, nil
}

// Batches groups runs for Lab.Run. Runs are first ordered by seed (stably,
// in the order each seed first appears, keeping the order of runs within a
// seed). With maxBatch = 0 each batch holds the runs of one seed, which
// share their pretrained judges and initial policy; with maxBatch > 0 the
// ordered runs are cut into consecutive batches of at most maxBatch runs
// (which may span seeds). A sweep writes its runs after each batch, so an
// interruption loses at most the batch in progress. A negative maxBatch is
// treated as 0.
func Batches(runs []RunSpec, maxBatch int) [][]RunSpec {
	if len(runs) == 0 {
		return nil
	}
	var seedOrder []int
	bySeed := make(map[int][]RunSpec)
	for _, r := range runs {
		if _, ok := bySeed[r.Seed]; !ok {
			seedOrder = append(seedOrder, r.Seed)
		}
		bySeed[r.Seed] = append(bySeed[r.Seed], r)
	}
	var out [][]RunSpec
	if maxBatch <= 0 {
		for _, s := range seedOrder {
			out = append(out, bySeed[s])
		}
		return out
	}
	ordered := make([]RunSpec, 0, len(runs))
	for _, s := range seedOrder {
		ordered = append(ordered, bySeed[s]...)
	}
	for len(ordered) > 0 {
		n := min(maxBatch, len(ordered))
		out = append(out, ordered[:n:n])
		ordered = ordered[n:]
	}
	return out
}

// ModuleVersion describes the code that is running, for manifests: the main
// module's version from the build information ("(devel)" for a plain
// checkout build), followed by " vcs.revision=…" and " vcs.modified=…" when
// the binary was built from a version-controlled checkout. It returns
// "unknown" when the binary carries no build information.
func ModuleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, key := range []string{"vcs.revision", "vcs.modified"} {
		for _, s := range bi.Settings {
			if s.Key == key && s.Value != "" {
				v += " " + key + "=" + s.Value
			}
		}
	}
	return v
}

// NewManifest describes a finished run of lab for WriteRun: the lab's
// config, the run's knobs and hash, the backend, ModuleVersion, the run's
// wall time and summary, and the time it finished.
func (lab *Lab) NewManifest(r RunResult, finished time.Time) Manifest {
	return Manifest{
		Condition:     r.Spec.Condition.Name,
		Seed:          r.Spec.Seed,
		Knobs:         r.Spec.Condition.Knobs,
		Config:        lab.Config,
		ConfigHash:    RunHash(lab.Config, r.Spec.Condition.Knobs, r.Spec.Seed),
		Backend:       lab.Backend.Name(),
		ModuleVersion: ModuleVersion(),
		WallSeconds:   r.WallSeconds,
		Finished:      finished,
		Summary:       r.Summary,
	}
}

// SweepProgress reports how far a sweep has come.
type SweepProgress struct {
	// Phase is PhasePretrain while a batch pretrains its judges and
	// PhaseTrain while it trains.
	Phase Phase
	// Done and Total count run-steps (runs × inner steps, over all
	// iterations) of the whole sweep in PhaseTrain, and pretraining steps
	// of the current batch (Total being Config.Pretrain.MaxSteps, an upper
	// bound) in PhasePretrain.
	Done, Total int
	// Batch is the batch in progress (1-based) of Batches.
	Batch, Batches int
	// RunsDone runs of Runs to do have been written so far.
	RunsDone, Runs int
}

// SweepOptions tune Sweep.
type SweepOptions struct {
	// Out is the results folder; runs are written as RunPaths(Out, …).
	Out string
	// Force runs and overwrites runs already finished under Out, and runs
	// made with other inputs, instead of skipping or refusing them.
	Force bool
	// MaxBatch bounds the runs advanced together (see Batches); 0 batches
	// the runs of each seed together.
	MaxBatch int
	// Progress, if set, is called after every pretraining check and every
	// inner step.
	Progress func(SweepProgress)
	// OnRun, if set, is called for each run when its batch ends, after the
	// run was written; a run with Err set was not written.
	OnRun func(RunResult)
}

// SweepResult says what a sweep did.
type SweepResult struct {
	Skipped []RunSpec // finished before under Out with the same inputs
	Written []RunSpec // run and written by this sweep
	Failed  []RunSpec // stopped by a NaN or Inf; not written
}

// Sweep runs specs on lab and writes each finished run under opts.Out with
// WriteRun and a manifest from Lab.NewManifest. Runs already finished with
// the same inputs are skipped unless opts.Force (see Resume); the others run
// in the batches of Batches, and every run of a batch is written as soon as
// the batch ends, so an interrupted sweep (a cancelled ctx) keeps every
// finished batch and a later Sweep with the same arguments resumes after
// them. A run stopped by a NaN or Inf is not written; the errors of such
// runs are returned, joined, after the other batches are done. Cancellation,
// pretraining failures and write errors stop the sweep at once; the
// returned SweepResult then says what was written before.
func Sweep(ctx context.Context, lab *Lab, specs []RunSpec, opts SweepOptions) (SweepResult, error) {
	var res SweepResult
	if lab == nil {
		return res, errors.New("sweep: no lab")
	}
	if opts.Out == "" {
		return res, errors.New("sweep: no output folder (SweepOptions.Out)")
	}
	if err := checkSpecs(specs); err != nil {
		return res, err
	}
	todo, skipped, err := Resume(opts.Out, lab.Config, specs, opts.Force)
	if err != nil {
		return res, fmt.Errorf("sweep: %w", err)
	}
	res.Skipped = skipped
	batches := Batches(todo, opts.MaxBatch)
	tr := lab.Config.Train
	perRun := tr.Iterations * tr.Steps
	total := len(todo) * perRun
	var runErrs []error
	offset := 0
	for bi, batch := range batches {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("sweep interrupted after %d of %d runs: %w", len(res.Written), len(todo), err)
		}
		runOpts := RunOptions{}
		if opts.Progress != nil {
			base, written := offset, len(res.Written)
			runOpts.Progress = func(p Progress) {
				sp := SweepProgress{Phase: p.Phase, Done: p.Done, Total: p.Total,
					Batch: bi + 1, Batches: len(batches), RunsDone: written, Runs: len(todo)}
				if p.Phase == PhaseTrain {
					sp.Done, sp.Total = base+p.Done, total
				}
				opts.Progress(sp)
			}
		}
		results, err := lab.Run(ctx, batch, runOpts)
		if results == nil && err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("sweep interrupted after %d of %d runs: %w", len(res.Written), len(todo), err)
			}
			return res, fmt.Errorf("sweep: batch %d of %d (%s): %w", bi+1, len(batches), describeBatch(batch), err)
		}
		offset += len(batch) * perRun
		finished := time.Now().UTC()
		for _, r := range results {
			if r.Err != nil {
				continue
			}
			if err := WriteRun(opts.Out, lab.NewManifest(r, finished), r.Records); err != nil {
				return res, fmt.Errorf("sweep: %w", err)
			}
			res.Written = append(res.Written, r.Spec)
		}
		for _, r := range results {
			if r.Err != nil {
				res.Failed = append(res.Failed, r.Spec)
				runErrs = append(runErrs, r.Err)
			}
			if opts.OnRun != nil {
				opts.OnRun(r)
			}
		}
	}
	if len(runErrs) > 0 {
		return res, fmt.Errorf("sweep: %d run(s) failed and were not written: %w", len(runErrs), errors.Join(runErrs...))
	}
	return res, nil
}

// describeBatch names a batch's runs briefly for error messages.
func describeBatch(batch []RunSpec) string {
	seeds := make(map[int]bool)
	for _, s := range batch {
		seeds[s.Seed] = true
	}
	if len(seeds) == 1 {
		return fmt.Sprintf("%d run(s) of seed %d", len(batch), batch[0].Seed)
	}
	return fmt.Sprintf("%d runs of %d seeds", len(batch), len(seeds))
}
