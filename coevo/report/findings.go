package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/coevolab/coevolab/coevo"
)

// A Verdict says how a claim fares against the measured runs.
type Verdict int

// The verdicts. The zero Verdict is NotMeasured.
const (
	NotMeasured Verdict = iota // the runs lack what the rule needs
	Holds                      // every part of the rule is met
	Partly                     // some part of the rule is met, not all
	DoesNotHold                // the rule's main part is not met
)

// String returns the verdict in words, such as "holds".
func (v Verdict) String() string {
	switch v {
	case NotMeasured:
		return "not measured"
	case Holds:
		return "holds"
	case Partly:
		return "partly"
	case DoesNotHold:
		return "does not hold"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// A Finding is one of the spec's qualitative claims checked against the
// measured runs.
type Finding struct {
	Claim    string  // the claim, as the original reports it
	Verdict  Verdict // how it fares in these runs
	Evidence string  // the measured numbers the verdict rests on
	Rule     string  // the test applied, with its thresholds
}

// The thresholds of the rules, fixed before looking at any run.
const (
	// plateauShare bounds the plateau: after iteration 1 the seed-mean
	// quality stays within this share of the first iteration's rise.
	plateauShare = 0.25
	// collapseEntropy (nats) and collapseIteration: the entropy has
	// collapsed when its seed mean is below collapseEntropy at
	// collapseIteration.
	collapseEntropy   = 1.0
	collapseIteration = 3
	// risingSteps of risingOf steps between consecutive iterations 1..10
	// must rise for perceived quality to "keep rising" (scaled to other
	// lengths as ⌈7·(N−1)/9⌉).
	risingSteps, risingOf = 7, 9
	// outlierSigmas: the worst seed is "clearly worse" when its final
	// quality is more than this many standard deviations of the other
	// seeds below their mean.
	outlierSigmas = 2.0
	// frozenTolerance: a frozen judge keeps its alignment when it never
	// moves by more than this from iteration 0.
	frozenTolerance = 1e-9
	// anchorAlignment: the oracle anchor's "alignment near 1".
	anchorAlignment = 0.9
	// level of every confidence interval.
	level = 0.95
)

// Findings checks the spec's qualitative claims ("What the original
// reports, qualitatively") against the runs, one Finding per claim in the
// spec's order: five about the baseline (quality rise and plateau,
// alignment drift, entropy collapse, perceived quality, a worse seed), then
// slower judge updates, the meta-judge on slow updates, ensembles, resets,
// the frozen judge and the oracle anchor. Each Finding's Rule states the
// test; a claim whose conditions the runs lack is NotMeasured. Intervals
// are 95% Student t intervals of paired differences over the seeds both
// conditions have.
func Findings(runs *Runs) []Finding {
	f := newFacts(runs)
	return []Finding{
		f.qualityRise(),
		f.alignmentDrift(),
		f.entropyCollapse(),
		f.perceivedRise(),
		f.worseSeed(),
		f.slowUpdates(),
		f.metaOnSlow(),
		f.ensembles(),
		f.resets(),
		f.frozen(),
		f.anchor(),
	}
}

// facts holds what several rules use.
type facts struct {
	runs *Runs
	sums map[string]ConditionSummary
	base []Run
}

func newFacts(runs *Runs) *facts {
	f := &facts{runs: runs, sums: make(map[string]ConditionSummary), base: runs.Condition(Baseline)}
	for _, s := range Summarize(runs) {
		f.sums[s.Condition] = s
	}
	return f
}

// notMeasured fills in the verdict and evidence of a claim that cannot be
// checked.
func notMeasured(fd Finding, why string) Finding {
	fd.Verdict, fd.Evidence = NotMeasured, why
	return fd
}

// both turns a two-part rule into a verdict: Holds with both parts, Partly
// with one, DoesNotHold with none.
func both(a, b bool) Verdict {
	switch {
	case a && b:
		return Holds
	case a || b:
		return Partly
	}
	return DoesNotHold
}

func finalQuality(r Run) float64 { return r.Final().PolicyQuality }
func peakQuality(r Run) float64  { return r.Summary().PeakQuality }

// pairedOn returns the paired difference of v over the seeds that a and b
// share: v(a's run) − v(b's run), with a 95% interval.
func pairedOn(a, b []Run, v func(Run) float64) Paired {
	byseed := make(map[int]Run, len(b))
	for _, r := range b {
		byseed[r.Seed()] = r
	}
	var seeds []int
	var x, y []float64
	for _, r := range a {
		if o, ok := byseed[r.Seed()]; ok {
			seeds = append(seeds, r.Seed())
			x = append(x, v(r))
			y = append(y, v(o))
		}
	}
	p := PairedDifference(x, y, level)
	p.Seeds = seeds
	return p
}

// needBaseline returns why a baseline claim cannot be checked with at
// least minIter iterations after the start and minSeeds seeds, or "".
func (f *facts) needBaseline(minIter, minSeeds int) string {
	if len(f.base) == 0 {
		return "no baseline runs"
	}
	if n := len(f.base[0].Records) - 1; n < minIter {
		return fmt.Sprintf("the baseline runs record iterations 0..%d; the rule needs 0..%d at least", n, minIter)
	}
	if len(f.base) < minSeeds {
		return fmt.Sprintf("%d baseline seed(s); the rule needs %d at least", len(f.base), minSeeds)
	}
	return ""
}

// needPaired returns why condition cond cannot be compared with other on
// at least two shared seeds, or "".
func (f *facts) needPaired(cond, other string) string {
	a, b := f.runs.Condition(cond), f.runs.Condition(other)
	switch {
	case len(a) == 0:
		return fmt.Sprintf("no %s runs", cond)
	case len(b) == 0:
		return fmt.Sprintf("no %s runs", other)
	}
	if p := pairedOn(a, b, finalQuality); p.Diff.N < 2 {
		return fmt.Sprintf("%s and %s share %d seed(s); an interval needs 2 at least", cond, other, p.Diff.N)
	}
	return ""
}

func (f *facts) qualityRise() Finding {
	fd := Finding{
		Claim: "Baseline: real quality rises in the first iteration, then plateaus",
		Rule: fmt.Sprintf("With q̄(i) the baseline's seed-mean policy_quality at iteration i and N the last iteration: "+
			"it rises if q̄(1) − q̄(0) > 0 (iteration 0 is the untrained start, which the original did not record); "+
			"it plateaus if every q̄(i), i = 2..N, is within %g × that rise of q̄(1). "+
			"Holds: rises and plateaus; partly: rises only; does not hold: no rise.", plateauShare),
	}
	if why := f.needBaseline(2, 1); why != "" {
		return notMeasured(fd, why)
	}
	b := Trajectory(f.base, PolicyQuality)
	n := len(b.Mean) - 1
	rise := b.Mean[1] - b.Mean[0]
	up := 0
	for _, q := range b.PerSeed {
		if q[1] > q[0] {
			up++
		}
	}
	worst, at := 0.0, 2
	for i := 2; i <= n; i++ {
		if d := b.Mean[i] - b.Mean[1]; math.Abs(d) > math.Abs(worst) {
			worst, at = d, i
		}
	}
	fd.Evidence = fmt.Sprintf("Mean quality %.3f at iteration 0, %.3f at 1 (rise %+.3f; %d of %d seeds rise), %.3f at %d. ",
		b.Mean[0], b.Mean[1], rise, up, len(b.PerSeed), b.Mean[n], n)
	switch {
	case rise <= 0:
		fd.Verdict = DoesNotHold
		fd.Evidence += "No rise in the first iteration."
	default:
		share := math.Abs(worst) / rise
		fd.Evidence += fmt.Sprintf("Over iterations 2..%d it departs from q̄(1) by at most %+.3f (iteration %d), %.2f%% of the rise (%.0f%% allowed).",
			n, worst, at, 100*share, 100*plateauShare)
		fd.Verdict = Partly
		if share <= plateauShare {
			fd.Verdict = Holds
		}
	}
	return fd
}

func (f *facts) alignmentDrift() Finding {
	fd := Finding{
		Claim: "Baseline: judge alignment falls from its pretrained value and stays lower",
		Rule: "With ā(i) the baseline's seed-mean judge_alignment at iteration i: holds if ā(i) < ā(0) at every iteration i = 1..N; " +
			"partly if at some but not all; does not hold if at none.",
	}
	if why := f.needBaseline(1, 1); why != "" {
		return notMeasured(fd, why)
	}
	b := Trajectory(f.base, JudgeAlignment)
	n := len(b.Mean) - 1
	below, minAt := 0, 1
	for i := 1; i <= n; i++ {
		if b.Mean[i] < b.Mean[0] {
			below++
		}
		if b.Mean[i] < b.Mean[minAt] {
			minAt = i
		}
	}
	ends := 0
	for _, a := range b.PerSeed {
		if a[n] < a[0] {
			ends++
		}
	}
	fd.Evidence = fmt.Sprintf("Mean alignment %.3f at iteration 0, minimum %.3f at iteration %d, %.3f at %d; "+
		"below the start at %d of the %d iterations 1..%d; %d of %d seeds end below their start.",
		b.Mean[0], b.Mean[minAt], minAt, b.Mean[n], n, below, n, n, ends, len(b.PerSeed))
	switch below {
	case n:
		fd.Verdict = Holds
	case 0:
		fd.Verdict = DoesNotHold
	default:
		fd.Verdict = Partly
	}
	return fd
}

func (f *facts) entropyCollapse() Finding {
	fd := Finding{
		Claim: "Baseline: entropy collapses to near zero within about three iterations",
		Rule: fmt.Sprintf("With H̄(i) the baseline's seed-mean policy_entropy (nats) at iteration i: holds if H̄(%d) < %g nat; "+
			"partly if H̄ first falls below %g nat at a later iteration; does not hold if it never does.",
			collapseIteration, collapseEntropy, collapseEntropy),
	}
	if why := f.needBaseline(collapseIteration, 1); why != "" {
		return notMeasured(fd, why)
	}
	b := Trajectory(f.base, PolicyEntropy)
	n := len(b.Mean) - 1
	first := -1
	for i, h := range b.Mean {
		if h < collapseEntropy {
			first = i
			break
		}
	}
	low := 0
	for _, h := range b.PerSeed {
		if h[collapseIteration] < collapseEntropy {
			low++
		}
	}
	scale := ""
	if w := f.base[0].Manifest.Config.World; w.Vocab > 0 && w.Length > 0 {
		scale = fmt.Sprintf(" (ln %d^%d = %.3f)", w.Vocab, w.Length, float64(w.Length)*math.Log(float64(w.Vocab)))
	}
	fd.Evidence = fmt.Sprintf("Mean entropy %.3f nats at iteration 0%s, %.3f at iteration %d (%d of %d seeds below %g nat), %.3f at %d; ",
		b.Mean[0], scale, b.Mean[collapseIteration], collapseIteration, low, len(b.PerSeed), collapseEntropy, b.Mean[n], n)
	switch {
	case first < 0:
		fd.Verdict = DoesNotHold
		fd.Evidence += fmt.Sprintf("the mean never falls below %g nat.", collapseEntropy)
	case first <= collapseIteration:
		fd.Verdict = Holds
		fd.Evidence += fmt.Sprintf("the mean first falls below %g nat at iteration %d.", collapseEntropy, first)
	default:
		fd.Verdict = Partly
		fd.Evidence += fmt.Sprintf("the mean first falls below %g nat at iteration %d.", collapseEntropy, first)
	}
	return fd
}

func (f *facts) perceivedRise() Finding {
	fd := Finding{
		Claim: "Baseline: judge-perceived quality keeps rising (and drifts away from true quality)",
		Rule: fmt.Sprintf("With p̄(i) and q̄(i) the baseline's seed-mean judge_perceived_quality and policy_quality at iteration i: "+
			"perceived quality keeps rising if p̄(N) > p̄(1) and p̄(i+1) > p̄(i) for at least %d of the %d steps i = 1..N−1 "+
			"(⌈%d(N−1)/%d⌉ for other N); the gap grows if p̄(N) − q̄(N) > p̄(1) − q̄(1). "+
			"Holds: both; partly: one; does not hold: neither.", risingSteps, risingOf, risingSteps, risingOf),
	}
	if why := f.needBaseline(2, 1); why != "" {
		return notMeasured(fd, why)
	}
	p := Trajectory(f.base, JudgePerceivedQuality).Mean
	q := Trajectory(f.base, PolicyQuality).Mean
	n := len(p) - 1
	steps := n - 1
	need := (risingSteps*steps + risingOf - 1) / risingOf
	rising := 0
	for i := 1; i < n; i++ {
		if p[i+1] > p[i] {
			rising++
		}
	}
	keeps := p[n] > p[1] && rising >= need
	gap1, gapN := p[1]-q[1], p[n]-q[n]
	fd.Verdict = both(keeps, gapN > gap1)
	fd.Evidence = fmt.Sprintf("Mean perceived quality %.3f at iteration 1, %.3f at %d, rising in %d of %d steps (%d needed); "+
		"perceived − true %+.3f at iteration 1, %+.3f at %d.",
		p[1], p[n], n, rising, steps, need, gap1, gapN, n)
	return fd
}

func (f *facts) worseSeed() Finding {
	fd := Finding{
		Claim: "Baseline: one seed of five lands in a clearly worse mode",
		Rule: fmt.Sprintf("Take the baseline seed with the lowest final policy_quality (the first on ties); "+
			"holds if it is more than %g sample standard deviations of the other seeds' final quality below their mean; "+
			"does not hold otherwise. Its mode is the greedy decode recorded at the last iteration.", outlierSigmas),
	}
	if why := f.needBaseline(0, 3); why != "" {
		return notMeasured(fd, why)
	}
	low := 0
	for i, r := range f.base {
		if finalQuality(r) < finalQuality(f.base[low]) {
			low = i
		}
	}
	var others []float64
	var modes []string
	for i, r := range f.base {
		if i != low {
			others = append(others, finalQuality(r))
			modes = append(modes, fmt.Sprintf("%s (seed %d)", r.Final().Mode, r.Seed()))
		}
	}
	s := MeanStd(others)
	lr := f.base[low]
	gap := s.Mean - finalQuality(lr)
	z := gap / s.Std
	if s.Std == 0 {
		z = math.Inf(1)
		if gap <= 0 {
			z = 0
		}
	}
	fd.Verdict = DoesNotHold
	if z > outlierSigmas {
		fd.Verdict = Holds
	}
	fd.Evidence = fmt.Sprintf("Seed %d ends lowest, at %.3f in mode %s (π = %.2f), %.1f standard deviations below the other %d seeds' %.3f ± %.3f; "+
		"their modes: %s.",
		lr.Seed(), finalQuality(lr), lr.Final().Mode, lr.Final().ModeProbability, z, len(others), s.Mean, s.Std,
		strings.Join(modes, ", "))
	return fd
}

// practical reports whether a condition is a practical method: not the
// baseline, not a boundary condition and not an oracle anchor.
func practical(cond string) bool {
	return cond != Baseline && !slices.Contains(coevo.BoundaryConditions, cond) && !strings.HasPrefix(cond, "anchor_")
}

func (f *facts) slowUpdates() Finding {
	const cond = "asymmetric_10"
	fd := Finding{
		Claim: "Slower judge updates (every 10 steps) are the clearest practical gain",
		Rule: "With Δ(c) the paired difference of final policy_quality, condition c − baseline, over shared seeds: " +
			"asymmetric_10's mean Δ is the largest among the practical conditions measured (all but baseline, frozen and anchor_*), " +
			"and its 95% interval lies above 0. Holds: both; partly: one; does not hold: neither.",
	}
	if why := f.needPaired(cond, Baseline); why != "" {
		return notMeasured(fd, why)
	}
	type entry struct {
		cond string
		p    Paired
	}
	var es []entry
	for _, c := range f.runs.Conditions() {
		if !practical(c) {
			continue
		}
		if p := pairedOn(f.runs.Condition(c), f.base, finalQuality); p.Diff.N > 0 {
			es = append(es, entry{c, p})
		}
	}
	sort.SliceStable(es, func(i, j int) bool { return es[i].p.Diff.Mean > es[j].p.Diff.Mean })
	rank := slices.IndexFunc(es, func(e entry) bool { return e.cond == cond })
	p := es[rank].p
	largest := rank == 0
	if rank > 0 && es[0].p.Diff.Mean == p.Diff.Mean {
		largest = true // a tie for first place
	}
	fd.Verdict = both(largest, p.Lo > 0)
	fd.Evidence = fmt.Sprintf("Δ(asymmetric_10) = %s on %d seeds; ", fmtPairedDiff(p), p.Diff.N)
	switch {
	case largest && len(es) > 1:
		fd.Evidence += fmt.Sprintf("the largest of the %d practical conditions measured (next: %s %+.3f).", len(es), es[1].cond, es[1].p.Diff.Mean)
	case largest:
		fd.Evidence += "the only practical condition measured."
	default:
		fd.Evidence += fmt.Sprintf("rank %d of the %d practical conditions measured; the largest is %s, Δ = %s.",
			rank+1, len(es), es[0].cond, fmtPairedDiff(es[0].p))
	}
	return fd
}

func (f *facts) metaOnSlow() Finding {
	const cond, ref = "asym_meta_10", "asymmetric_10"
	fd := Finding{
		Claim: "Adding the meta-judge to slow updates helps a little more",
		Rule: "Paired difference of final policy_quality, asym_meta_10 − asymmetric_10, over their shared seeds: " +
			"holds if its mean is above 0, does not hold otherwise; the 95% interval is reported, not tested (\"a little\").",
	}
	if why := f.needPaired(cond, ref); why != "" {
		return notMeasured(fd, why)
	}
	a, b := f.runs.Condition(cond), f.runs.Condition(ref)
	p := pairedOn(a, b, finalQuality)
	fd.Verdict = DoesNotHold
	if p.Diff.Mean > 0 {
		fd.Verdict = Holds
	}
	sig := "includes 0"
	switch {
	case p.Lo > 0:
		sig = "lies above 0"
	case p.Hi < 0:
		sig = "lies below 0"
	}
	fd.Evidence = fmt.Sprintf("asym_meta_10 − asymmetric_10 = %s on %d shared seeds (mean final quality %.3f vs %.3f); the interval %s.",
		fmtPairedDiff(p), p.Diff.N, f.sums[cond].Final[PolicyQuality].Mean, f.sums[ref].Final[PolicyQuality].Mean, sig)
	return fd
}

func (f *facts) ensembles() Finding {
	fd := Finding{
		Claim: "Ensembles reduce variance across seeds without raising the ceiling",
		Rule: "For each of ensemble_3 and ensemble_5: it reduces variance if the sample std over seeds of its final policy_quality " +
			"is below the baseline's; it does not raise the ceiling if the paired difference of peak quality (each run's maximum " +
			"over iterations), ensemble − baseline over shared seeds, has a 95% interval whose lower end is ≤ 0. " +
			"Holds: every ensemble measured meets both; partly: at least one reduces variance; does not hold: none does.",
	}
	if len(f.base) < 2 {
		return notMeasured(fd, "the rule needs 2 baseline seeds at least")
	}
	baseStd := f.sums[Baseline].Final[PolicyQuality].Std
	var parts, missing []string
	measured, reduce, all := 0, 0, true
	for _, cond := range []string{"ensemble_3", "ensemble_5"} {
		if why := f.needPaired(cond, Baseline); why != "" {
			missing = append(missing, why)
			continue
		}
		measured++
		std := f.sums[cond].Final[PolicyQuality].Std
		peak := pairedOn(f.runs.Condition(cond), f.base, peakQuality)
		final := pairedOn(f.runs.Condition(cond), f.base, finalQuality)
		less, flat := std < baseStd, peak.Lo <= 0
		if less {
			reduce++
		}
		all = all && less && flat
		parts = append(parts, fmt.Sprintf("%s: final-quality std %.3f vs baseline %.3f; Δ peak %s, Δ final %s",
			cond, std, baseStd, fmtPairedDiff(peak), fmtPairedDiff(final)))
	}
	if measured == 0 {
		return notMeasured(fd, strings.Join(missing, "; "))
	}
	switch {
	case all:
		fd.Verdict = Holds
	case reduce > 0:
		fd.Verdict = Partly
	default:
		fd.Verdict = DoesNotHold
	}
	fd.Evidence = strings.Join(append(parts, missing...), ". ") + "."
	return fd
}

func (f *facts) resets() Finding {
	fd := Finding{
		Claim: "Resets help modestly and noisily",
		Rule: "For each of reinit_3 and reinit_5, with Δ the paired difference of final policy_quality to the baseline: " +
			"it helps if the mean Δ > 0; modestly and noisily if Δ's 95% interval includes 0 or its std of final quality " +
			"over seeds exceeds the baseline's. Holds: every reset condition measured meets both; partly: at least one helps; " +
			"does not hold: none helps.",
	}
	if len(f.base) < 2 {
		return notMeasured(fd, "the rule needs 2 baseline seeds at least")
	}
	baseStd := f.sums[Baseline].Final[PolicyQuality].Std
	var parts, missing []string
	measured, helps, all := 0, 0, true
	for _, cond := range []string{"reinit_3", "reinit_5"} {
		if why := f.needPaired(cond, Baseline); why != "" {
			missing = append(missing, why)
			continue
		}
		measured++
		p := pairedOn(f.runs.Condition(cond), f.base, finalQuality)
		std := f.sums[cond].Final[PolicyQuality].Std
		help := p.Diff.Mean > 0
		noisy := (p.Lo <= 0 && p.Hi >= 0) || std > baseStd
		if help {
			helps++
		}
		all = all && help && noisy
		parts = append(parts, fmt.Sprintf("%s: Δ = %s, final-quality std %.3f vs baseline %.3f", cond, fmtPairedDiff(p), std, baseStd))
	}
	if measured == 0 {
		return notMeasured(fd, strings.Join(missing, "; "))
	}
	switch {
	case all:
		fd.Verdict = Holds
	case helps > 0:
		fd.Verdict = Partly
	default:
		fd.Verdict = DoesNotHold
	}
	fd.Evidence = strings.Join(append(parts, missing...), ". ") + "."
	return fd
}

func (f *facts) frozen() Finding {
	const cond = "frozen"
	fd := Finding{
		Claim: "A frozen judge keeps its alignment but ends near baseline quality",
		Rule: fmt.Sprintf("Keeps its alignment: in every frozen run, judge_alignment at every iteration equals iteration 0's within %g. "+
			"Near baseline: the paired difference of final policy_quality, frozen − baseline, has a 95%% interval that includes 0. "+
			"Holds: both; partly: one; does not hold: neither.", frozenTolerance),
	}
	if why := f.needPaired(cond, Baseline); why != "" {
		return notMeasured(fd, why)
	}
	rs := f.runs.Condition(cond)
	kept, drift := 0, 0.0
	for _, r := range rs {
		d := 0.0
		for _, rec := range r.Records {
			d = max(d, math.Abs(rec.JudgeAlignment-r.Records[0].JudgeAlignment))
		}
		drift = max(drift, d)
		if d <= frozenTolerance {
			kept++
		}
	}
	p := pairedOn(rs, f.base, finalQuality)
	near := p.Lo <= 0 && p.Hi >= 0
	fd.Verdict = both(kept == len(rs), near)
	fd.Evidence = fmt.Sprintf("Alignment kept in %d of %d runs (largest change %.2g; mean final alignment %.3f vs baseline %.3f); "+
		"Δ final quality vs baseline = %s on %d seeds.",
		kept, len(rs), drift, f.sums[cond].Final[JudgeAlignment].Mean, f.sums[Baseline].Final[JudgeAlignment].Mean, fmtPairedDiff(p), p.Diff.N)
	return fd
}

func (f *facts) anchor() Finding {
	const cond = "anchor_0.1"
	fd := Finding{
		Claim: "The 10% oracle anchor is the upper bound, with alignment near 1",
		Rule: fmt.Sprintf("anchor_0.1's mean final policy_quality is strictly the highest of all conditions measured, "+
			"and its mean final judge_alignment is ≥ %g. Holds: both; partly: one; does not hold: neither.", anchorAlignment),
	}
	if !f.runs.Has(cond) {
		return notMeasured(fd, "no anchor_0.1 runs")
	}
	s := f.sums[cond]
	mine := s.Final[PolicyQuality].Mean
	best, bestQ := "", math.Inf(-1)
	for _, c := range f.runs.Conditions() {
		if q := f.sums[c].Final[PolicyQuality].Mean; c != cond && q > bestQ {
			best, bestQ = c, q
		}
	}
	highest := mine > bestQ
	align := s.Final[JudgeAlignment].Mean
	fd.Verdict = both(highest, align >= anchorAlignment)
	n := len(f.runs.Conditions())
	switch {
	case best == "":
		fd.Evidence = fmt.Sprintf("Mean final quality %.3f, the only condition measured; ", mine)
	case highest:
		fd.Evidence = fmt.Sprintf("Mean final quality %.3f, the highest of %d conditions (next: %s %.3f); ", mine, n, best, bestQ)
	default:
		fd.Evidence = fmt.Sprintf("Mean final quality %.3f, not the highest of %d conditions (%s: %.3f); ", mine, n, best, bestQ)
	}
	fd.Evidence += fmt.Sprintf("mean final alignment %.3f.", align)
	return fd
}

// WriteFindings writes findings as Markdown for a researcher: a title, a
// line on what was run (conditions × seeds, iterations, configuration,
// backends and module versions, from the manifests), what loading
// tolerated, a table Claim | Verdict | Evidence, a line on degradation
// across the grid (from the runs' summaries, as in the summary table) and
// the list of rules. It does not check the claims: pass it Findings(runs).
func WriteFindings(w io.Writer, runs *Runs, fs []Finding) error {
	var b strings.Builder
	b.WriteString("# Which of the spec's claims hold in this lab\n\n")
	b.WriteString("Generated by `coevo findings` from the measured runs only; do not edit by hand. " +
		"The claims are those of SPEC.md, \"What the original reports, qualitatively\". " +
		"Iteration 0 is the start state (pretrained judge, untrained policy); iteration k here is the original's k−1.\n\n")
	b.WriteString(describeRuns(runs))
	if ws := runs.Warnings(); len(ws) > 0 {
		b.WriteString("\nLoading tolerated:\n\n")
		for _, w := range ws {
			b.WriteString("- " + w + "\n")
		}
	}
	counts := make(map[Verdict]int)
	for _, f := range fs {
		counts[f.Verdict]++
	}
	var tally []string
	for _, v := range []Verdict{Holds, Partly, DoesNotHold, NotMeasured} {
		if counts[v] > 0 {
			tally = append(tally, fmt.Sprintf("%d %s", counts[v], v))
		}
	}
	fmt.Fprintf(&b, "\n%d claims: %s.\n\n", len(fs), strings.Join(tally, ", "))
	b.WriteString("| # | Claim | Verdict | Evidence |\n|--:|:--|:--|:--|\n")
	for i, f := range fs {
		fmt.Fprintf(&b, "| %d | %s | **%s** | %s |\n", i+1, cell(f.Claim), f.Verdict, cell(f.Evidence))
	}
	if line := describeDegradation(Summarize(runs)); line != "" {
		b.WriteString("\n" + line)
	}
	b.WriteString("\n## Rules\n\n" +
		"Thresholds were fixed before the runs were read. Means are over seeds; N is the last iteration; " +
		"intervals are 95% Student t intervals of paired differences over the seeds both conditions share.\n\n")
	for i, f := range fs {
		fmt.Fprintf(&b, "%d. %s\n", i+1, f.Rule)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write findings: %w", err)
	}
	return nil
}

// describeDegradation says in one line how often quality is still at its
// peak at the end: how many runs peak at their last iteration, and which
// conditions have mean degradation 0 (every run ends at its peak quality,
// even if an earlier iteration reached it first). The peak and degradation
// are those of the summary table. It returns "" without runs.
func describeDegradation(sums []ConditionSummary) string {
	var runs, atLast int
	var zero, other []string
	for _, s := range sums {
		for _, it := range s.PeakIterations {
			runs++
			if it == s.Iterations {
				atLast++
			}
		}
		if s.DegradationPct.Mean == 0 {
			zero = append(zero, s.Condition)
		} else {
			other = append(other, s.Condition)
		}
	}
	if runs == 0 {
		return ""
	}
	line := fmt.Sprintf("Degradation across the grid: runs peaking at their last iteration: %d of %d; "+
		"conditions with mean degradation 0: %d of %d", atLast, runs, len(zero), len(sums))
	// Name the shorter list.
	switch {
	case len(zero) == 0 || len(other) == 0:
	case len(zero) <= len(other):
		line += " (" + strings.Join(zero, ", ") + ")"
	default:
		line += " (all but " + strings.Join(other, ", ") + ")"
	}
	return line + ". Peak: first maximum of quality from iteration 1; degradation: 100·(peak − final)/|peak|.\n"
}

// cell makes text safe for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// describeRuns says in one paragraph what the runs are: conditions ×
// seeds, iterations and steps, world, backends and module versions.
func describeRuns(runs *Runs) string {
	conds := runs.Conditions()
	if len(conds) == 0 {
		return "No runs.\n"
	}
	ref := conds[0]
	if runs.Has(Baseline) {
		ref = Baseline
	}
	m := runs.Condition(ref)[0].Manifest
	seeds := runs.Seeds(ref)
	same := true
	backends, versions := make(map[string]bool), make(map[string]bool)
	for _, c := range conds {
		if !slices.Equal(runs.Seeds(c), seeds) {
			same = false
		}
		for _, r := range runs.Condition(c) {
			backends[orUnknown(r.Manifest.Backend)] = true
			versions[orUnknown(r.Manifest.ModuleVersion)] = true
		}
	}
	var who string
	if same {
		who = fmt.Sprintf("%s × seeds %s (%d runs)", plural(len(conds), "condition"), seedList(seeds), runs.Len())
	} else {
		who = fmt.Sprintf("%s, seeds varying by condition (%d runs)", plural(len(conds), "condition"), runs.Len())
	}
	t, wd := m.Config.Train, m.Config.World
	return fmt.Sprintf("Runs: %s; iterations 0..%d (%d outer iterations × %d steps, batch %d, entropy term %s, coefficient %g, learning rate %g) "+
		"in %s's configuration; world K = %d, L = %d, α = %g, seed %d (%s generator); backend %s; module %s.\n",
		who, t.Iterations, t.Iterations, t.Steps, t.Batch, t.Entropy, t.EntropyCoef, t.LearningRate,
		ref, wd.Vocab, wd.Length, wd.Alpha, wd.Seed, wd.Generator, keys(backends), keys(versions))
}

// plural renders "1 condition", "2 conditions".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func orUnknown(s string) string {
	if s == "" {
		return "unrecorded"
	}
	return s
}

// keys returns a set's members sorted and joined by ", ".
func keys(set map[string]bool) string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// seedList renders sorted seeds compactly: "0–4" for a run of consecutive
// seeds, "0, 2, 5" otherwise.
func seedList(seeds []int) string {
	if len(seeds) > 2 && seeds[len(seeds)-1]-seeds[0] == len(seeds)-1 {
		return fmt.Sprintf("%d–%d", seeds[0], seeds[len(seeds)-1])
	}
	parts := make([]string, len(seeds))
	for i, s := range seeds {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}
