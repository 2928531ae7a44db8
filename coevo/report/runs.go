package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/coevolab/coevolab/coevo"
)

// Baseline is the name of the condition that others are compared with.
const Baseline = "baseline"

// Kinds of load errors. Every error returned by Load, LoadWith and NewRuns
// about the runs themselves is a *LoadError wrapping one of these, so that
// errors.Is(err, ErrIncomplete) tells what went wrong.
var (
	// ErrCorrupt: a file does not decode or contradicts its name or itself.
	ErrCorrupt = errors.New("corrupt run")
	// ErrIncomplete: a run has fewer iterations than its configuration asks
	// for, or has records but no manifest (it did not finish).
	ErrIncomplete = errors.New("incomplete run")
	// ErrMissingSeed: a condition lacks a seed that another condition has.
	ErrMissingSeed = errors.New("missing seed")
	// ErrMixedConfig: runs of one condition were made with different
	// configurations or knobs.
	ErrMixedConfig = errors.New("mixed configurations")
	// ErrConflict: the same run (condition and seed) is present twice with
	// different contents.
	ErrConflict = errors.New("conflicting duplicate run")
)

// A LoadError reports a problem with the runs being loaded and where it is.
type LoadError struct {
	Path   string // file concerned, or empty when the problem spans files
	Line   int    // 1-based line in Path, or 0 when no single line is at fault
	Kind   error  // ErrCorrupt, ErrIncomplete, ErrMissingSeed, ErrMixedConfig or ErrConflict
	Detail string // what is wrong, in words
	Err    error  // underlying error, if any
}

// Error returns "path:line: kind: detail: underlying error", leaving out the
// parts that are empty.
func (e *LoadError) Error() string {
	var b strings.Builder
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	}
	if e.Detail != "" {
		if e.Kind != nil {
			b.WriteString(": ")
		}
		b.WriteString(e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the error's kind and underlying error.
func (e *LoadError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// LoadOptions adjust how strictly runs are checked.
type LoadOptions struct {
	// DropIncomplete drops incomplete runs (fewer iterations than
	// configured, or no manifest) instead of failing, and accepts
	// conditions that lack seeds other conditions have. Each dropped run
	// and each missing seed is reported by Runs.Warnings.
	DropIncomplete bool
}

// Run is one finished run: its manifest and its records, iterations 0..N.
type Run struct {
	Manifest coevo.Manifest
	Records  []coevo.Record
	// Source is the records file the run was read from; empty for runs
	// built in memory.
	Source string
}

// Condition returns the run's condition name.
func (r Run) Condition() string { return r.Manifest.Condition }

// Seed returns the run's seed.
func (r Run) Seed() int { return r.Manifest.Seed }

// Summary returns the run's quality ceiling, computed from its records by
// coevo.Summarize.
func (r Run) Summary() coevo.RunSummary { return coevo.Summarize(r.Records) }

// Final returns the record of the run's last iteration, or the zero Record
// when the run has none.
func (r Run) Final() coevo.Record {
	if len(r.Records) == 0 {
		return coevo.Record{}
	}
	return r.Records[len(r.Records)-1]
}

// where names a run for messages: its source file, or condition and seed.
func (r Run) where() string {
	if r.Source != "" {
		return r.Source
	}
	return fmt.Sprintf("%s seed %d", r.Manifest.Condition, r.Manifest.Seed)
}

// Runs is a checked set of runs, grouped by condition. Runs.Condition
// returns runs that share memory with it: do not modify them. A nil *Runs
// has no conditions.
type Runs struct {
	byCond   map[string][]Run // sorted by seed
	conds    []string         // in display order
	warnings []string
}

// Conditions returns the conditions present, in the grid's order
// (coevo.GridNames) first and then the others alphabetically.
func (r *Runs) Conditions() []string {
	if r == nil {
		return nil
	}
	return slices.Clone(r.conds)
}

// Has reports whether the condition has at least one run.
func (r *Runs) Has(condition string) bool { return len(r.Condition(condition)) > 0 }

// Condition returns the runs of a condition, sorted by seed; nil when the
// condition is absent.
func (r *Runs) Condition(condition string) []Run {
	if r == nil {
		return nil
	}
	return r.byCond[condition]
}

// Seeds returns the seeds of a condition in increasing order.
func (r *Runs) Seeds(condition string) []int {
	runs := r.Condition(condition)
	seeds := make([]int, len(runs))
	for i, run := range runs {
		seeds[i] = run.Seed()
	}
	return seeds
}

// Run returns the run of a condition and seed, and whether it is present.
func (r *Runs) Run(condition string, seed int) (Run, bool) {
	for _, run := range r.Condition(condition) {
		if run.Seed() == seed {
			return run, true
		}
	}
	return Run{}, false
}

// Len returns the number of runs.
func (r *Runs) Len() int {
	if r == nil {
		return 0
	}
	n := 0
	for _, runs := range r.byCond {
		n += len(runs)
	}
	return n
}

// Warnings returns what loading tolerated: dropped incomplete runs, missing
// seeds (with LoadOptions.DropIncomplete) and conditions whose configuration
// differs from the baseline's.
func (r *Runs) Warnings() []string {
	if r == nil {
		return nil
	}
	return slices.Clone(r.warnings)
}

// candidate is a run on its way into a Runs.
type candidate struct {
	Run
	noManifest bool // records found without a manifest: Manifest holds only condition and seed
}

// NewRuns checks runs built in memory as Load checks runs read from files,
// and groups them.
func NewRuns(opts LoadOptions, runs ...Run) (*Runs, error) {
	cands := make([]candidate, len(runs))
	for i, run := range runs {
		if err := checkRecords(run); err != nil {
			return nil, err
		}
		cands[i] = candidate{Run: run}
	}
	return assemble(opts, cands, nil)
}

// checkRecords checks one run's records against its manifest: condition,
// seed and iterations 0..n without gaps.
func checkRecords(run Run) error {
	m := run.Manifest
	if len(run.Records) == 0 {
		return &LoadError{Path: run.Source, Kind: ErrCorrupt, Detail: "no records"}
	}
	for i, rec := range run.Records {
		var detail string
		switch {
		case rec.Condition != m.Condition:
			detail = fmt.Sprintf("record names condition %q, expected %q", rec.Condition, m.Condition)
		case rec.Seed != m.Seed:
			detail = fmt.Sprintf("record names seed %d, expected %d", rec.Seed, m.Seed)
		case rec.Iteration != i:
			detail = fmt.Sprintf("iteration %d where %d was expected (iterations must run 0..n without gaps)", rec.Iteration, i)
		default:
			continue
		}
		if run.Source == "" {
			return &LoadError{Kind: ErrCorrupt, Detail: fmt.Sprintf("%s seed %d, record %d: %s", m.Condition, m.Seed, i, detail)}
		}
		return &LoadError{Path: run.Source, Line: lineOfRecord(run.Source, i), Kind: ErrCorrupt, Detail: detail}
	}
	return nil
}

// assemble checks a set of candidate runs for completeness, duplicates,
// configuration mixes and missing seeds, and groups them.
func assemble(opts LoadOptions, cands []candidate, warnings []string) (*Runs, error) {
	// Completeness.
	kept := cands[:0:0]
	for _, c := range cands {
		var problem string
		if c.noManifest {
			problem = fmt.Sprintf("no manifest %s: the run did not finish", manifestPathFor(c.Source))
		} else {
			want := c.Manifest.Config.Train.Iterations + 1
			got := len(c.Records)
			if got > want {
				return nil, &LoadError{Path: c.Source, Kind: ErrCorrupt, Detail: fmt.Sprintf(
					"%d records (iterations 0..%d) but the manifest configures %d iterations (0..%d)",
					got, got-1, want-1, want-1)}
			}
			if got < want {
				problem = fmt.Sprintf("iterations 0..%d of 0..%d", got-1, want-1)
			}
		}
		if problem == "" {
			kept = append(kept, c)
			continue
		}
		if !opts.DropIncomplete {
			return nil, &LoadError{Path: c.where(), Kind: ErrIncomplete, Detail: problem + " (LoadOptions.DropIncomplete drops such runs)"}
		}
		warnings = append(warnings, fmt.Sprintf("dropped incomplete run %s: %s", c.where(), problem))
	}

	// Duplicates.
	byCond := make(map[string][]Run)
	for _, c := range kept {
		cond, seed := c.Condition(), c.Seed()
		dup := -1
		for i, r := range byCond[cond] {
			if r.Seed() == seed {
				dup = i
				break
			}
		}
		if dup < 0 {
			byCond[cond] = append(byCond[cond], c.Run)
			continue
		}
		if diff := runDiff(byCond[cond][dup], c.Run); diff != "" {
			return nil, &LoadError{Kind: ErrConflict, Detail: fmt.Sprintf(
				"%s seed %d is in both %s and %s with different contents: %s",
				cond, seed, byCond[cond][dup].where(), c.where(), diff)}
		}
	}

	if len(byCond) == 0 {
		return nil, &LoadError{Kind: ErrIncomplete, Detail: "no complete runs"}
	}

	// Configurations within each condition; seeds.
	conds := make([]string, 0, len(byCond))
	allSeeds := make(map[int]string) // seed → a condition that has it
	for cond, runs := range byCond {
		conds = append(conds, cond)
		sort.Slice(runs, func(i, j int) bool { return runs[i].Seed() < runs[j].Seed() })
		ref := runs[0]
		for _, r := range runs[1:] {
			if d := configDiff(ref.Manifest, r.Manifest); d != "" {
				return nil, &LoadError{Path: r.where(), Kind: ErrMixedConfig, Detail: fmt.Sprintf(
					"condition %s: seed %d was run with a different configuration than seed %d (%s): %s; refusing to mix them",
					cond, r.Seed(), ref.Seed(), ref.where(), d)}
			}
		}
		for _, r := range runs {
			if _, ok := allSeeds[r.Seed()]; !ok || cond < allSeeds[r.Seed()] {
				allSeeds[r.Seed()] = cond
			}
		}
	}
	conds = orderConditions(conds)
	for _, cond := range conds {
		have := make(map[int]bool)
		for _, r := range byCond[cond] {
			have[r.Seed()] = true
		}
		var missing []int
		for s := range allSeeds {
			if !have[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			continue
		}
		sort.Ints(missing)
		var parts []string
		for _, s := range missing {
			parts = append(parts, fmt.Sprintf("seed %d (present in %s)", s, allSeeds[s]))
		}
		detail := fmt.Sprintf("condition %s lacks %s", cond, strings.Join(parts, ", "))
		if !opts.DropIncomplete {
			return nil, &LoadError{Kind: ErrMissingSeed, Detail: detail + " (LoadOptions.DropIncomplete accepts this)"}
		}
		warnings = append(warnings, "missing seed: "+detail)
	}

	// Configurations across conditions: allowed, but worth a warning.
	refCond := conds[0]
	if len(byCond[Baseline]) > 0 {
		refCond = Baseline
	}
	for _, cond := range conds {
		if cond == refCond {
			continue
		}
		a, b := byCond[refCond][0].Manifest, byCond[cond][0].Manifest
		if d := jsonDiff("config", a.Config, b.Config); d != "" {
			warnings = append(warnings, fmt.Sprintf("condition %s has a different configuration than %s: %s", cond, refCond, d))
		}
	}
	return &Runs{byCond: byCond, conds: conds, warnings: warnings}, nil
}

// orderConditions sorts condition names: coevo.GridNames order first, then
// the others alphabetically.
func orderConditions(names []string) []string {
	rank := func(name string) int {
		if i := slices.Index(coevo.GridNames, name); i >= 0 {
			return i
		}
		return len(coevo.GridNames)
	}
	out := slices.Clone(names)
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}

// configDiff describes the first difference between the configurations and
// knobs of two manifests, or returns "" when they agree. Seeds and hashes
// (which include the seed) are not compared.
func configDiff(a, b coevo.Manifest) string {
	if d := jsonDiff("config", a.Config, b.Config); d != "" {
		return d
	}
	return jsonDiff("knobs", a.Knobs, b.Knobs)
}

// runDiff describes the first difference between two copies of one run, or
// returns "" when they are the same run: same configuration, knobs and
// records. Bookkeeping (wall time, finish time, backend) is not compared.
func runDiff(a, b Run) string {
	if d := configDiff(a.Manifest, b.Manifest); d != "" {
		return d
	}
	if reflect.DeepEqual(a.Records, b.Records) {
		return ""
	}
	if len(a.Records) != len(b.Records) {
		return fmt.Sprintf("%d vs %d records", len(a.Records), len(b.Records))
	}
	for i := range a.Records {
		if d := jsonDiff(fmt.Sprintf("iteration %d:", i), a.Records[i], b.Records[i]); d != "" {
			return d
		}
	}
	return "records differ"
}

// jsonDiff describes the first difference between a and b, walking struct
// fields in declaration order and naming them by their JSON keys, as
// "prefix.path A vs B"; it returns "" when they agree.
func jsonDiff(prefix string, a, b any) string {
	return valueDiff(prefix, reflect.ValueOf(a), reflect.ValueOf(b))
}

func valueDiff(path string, a, b reflect.Value) string {
	if a.IsValid() != b.IsValid() || (a.IsValid() && a.Type() != b.Type()) {
		return fmt.Sprintf("%s %s vs %s", path, show(a), show(b))
	}
	if !a.IsValid() {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() && b.IsNil() {
				return ""
			}
			return fmt.Sprintf("%s %s vs %s", path, show(a), show(b))
		}
		return valueDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		t := a.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			sep := "."
			if strings.HasSuffix(path, ":") {
				sep = " "
			}
			if d := valueDiff(path+sep+name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(a.Interface(), b.Interface()) {
		return ""
	}
	return fmt.Sprintf("%s %s vs %s", path, show(a), show(b))
}

func show(v reflect.Value) string {
	switch {
	case !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()):
		return "absent"
	case v.Kind() == reflect.Pointer:
		return show(v.Elem())
	case v.CanFloat():
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	return string(b)
}
