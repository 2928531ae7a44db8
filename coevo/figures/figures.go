package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// ErrNoData is wrapped by the errors of figure functions that find none of
// the conditions they would draw in the runs.
var ErrNoData = errors.New("no runs of the conditions to draw")

// Refs are the reference values drawn as dashed lines. A zero, NaN or
// infinite value draws no line.
type Refs struct {
	// MaxQuality is the best possible policy quality, max_x q*(x), drawn
	// on the policy-quality panel.
	MaxQuality float64
	// MaxEntropy is the entropy of the uniform policy, ln K^L (ln 4096 ≈
	// 8.318 for the reference world), drawn on the policy-entropy panel.
	MaxEntropy float64
}

// MitigationFamily is a group of conditions that vary one mitigation.
type MitigationFamily struct {
	Name       string   // short name, used in file names (family_<Name>)
	Title      string   // what the family does, for people
	Conditions []string // its settings, weakest first
}

// Families lists the mitigation families of the reference grid, in the
// order of coevo.GridNames.
var Families = []MitigationFamily{
	{Name: "asymmetric", Title: "Slower judge updates", Conditions: []string{"asymmetric_2", "asymmetric_5", "asymmetric_10"}},
	{Name: "ensemble", Title: "Judge ensembles", Conditions: []string{"ensemble_3", "ensemble_5"}},
	{Name: "reinit", Title: "Periodic judge resets", Conditions: []string{"reinit_3", "reinit_5"}},
	{Name: "anchor", Title: "Ground-truth anchors", Conditions: []string{"anchor_0.05", "anchor_0.1"}},
	{Name: "meta", Title: "Meta-judge", Conditions: []string{"meta_1", "meta_10", "meta_200"}},
	{Name: "asym_meta", Title: "Slow judge updates + meta-judge", Conditions: []string{"asym_meta_1", "asym_meta_10", "asym_meta_200"}},
	{Name: "frozen", Title: "Frozen judge", Conditions: []string{"frozen"}},
}

// FamilyByName returns the family of Families with the given name.
func FamilyByName(name string) (MitigationFamily, bool) {
	for _, f := range Families {
		if f.Name == name {
			return f, true
		}
	}
	return MitigationFamily{}, false
}

// BestPractical lists the setting of each practical mitigation family that
// the best-mitigations figure shows (the settings the original's figure
// names, fixed in advance; not a ranking of the measured runs): the
// conditions BestMitigations compares with the baseline.
var BestPractical = []string{"asymmetric_10", "ensemble_5", "reinit_5", "asym_meta_10"}

// The Okabe–Ito palette (Okabe & Ito 2008), distinguishable with the common
// forms of colour blindness. Yellow is left out: it does not print on white.
var (
	okabeBlack     = color.NRGBA{0, 0, 0, 255}
	okabeOrange    = color.NRGBA{230, 159, 0, 255}
	okabeSkyBlue   = color.NRGBA{86, 180, 233, 255}
	okabeGreen     = color.NRGBA{0, 158, 115, 255}
	okabeBlue      = color.NRGBA{0, 114, 178, 255}
	okabeVermilion = color.NRGBA{213, 94, 0, 255}
	okabePurple    = color.NRGBA{204, 121, 167, 255}

	// seriesColors colour the conditions after the baseline (black).
	seriesColors = []color.NRGBA{okabeBlue, okabeVermilion, okabeGreen, okabePurple, okabeOrange, okabeSkyBlue}
	// seriesGlyphs tell the conditions apart in grey-scale print.
	seriesGlyphs = []draw.GlyphDrawer{draw.PyramidGlyph{}, draw.BoxGlyph{}, draw.RingGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.CrossGlyph{}}
	boundGrey    = color.NRGBA{100, 100, 100, 255}
)

// Line widths and styles, in points.
const (
	meanWidth  = 2.5
	seedWidth  = 0.8
	boundWidth = 2.2
	refWidth   = 1.2
	glyphSize  = 3.2
	bandAlpha  = 0.2
	// betweenAlpha shades the range between the bounds, lighter than any band.
	betweenAlpha = 0.12
	seedAlpha    = 0.55
)

// series is one condition as drawn in a figure.
type series struct {
	cond   string
	label  string
	color  color.NRGBA
	glyph  draw.GlyphDrawer // nil: no markers
	dashes []vg.Length
	width  vg.Length
	band   bool      // draw the ±1 std band
	seeds  bool      // draw each seed as a thin line
	bound  boundKind // a boundary condition: listed after the others in the legend
}

// boundKind marks the boundary conditions of a figure.
type boundKind int

const (
	notBound   boundKind = iota
	lowerBound           // the frozen judge
	upperBound           // the 10% oracle anchor
)

// Headline draws the 2×2 panel of one condition ("" means the baseline):
// the mean over seeds with a ±1 std band and each seed as a thin line.
func Headline(runs *report.Runs, condition string, refs Refs) (*Figure, error) {
	if condition == "" {
		condition = report.Baseline
	}
	if runs == nil || !runs.Has(condition) {
		return nil, fmt.Errorf("figures: headline: condition %q: %w", condition, ErrNoData)
	}
	col := okabeBlue
	s := series{cond: condition, label: conditionLabel(condition) + ": mean", color: col,
		glyph: draw.CircleGlyph{}, width: meanWidth, band: true, seeds: true}
	n := len(runs.Seeds(condition))
	title := fmt.Sprintf("%s: judge–policy co-evolution (%d seed%s)", condition, n, plural(n))
	return build(runs, "headline_"+condition, title, []series{s}, refs, nil)
}

// Family draws one mitigation family against the baseline: each setting
// present in runs as a mean line with a ±1 std band. Settings absent from
// runs (and an absent baseline) are skipped with a note; when no setting is
// present the error wraps ErrNoData.
func Family(runs *report.Runs, family MitigationFamily, refs Refs) (*Figure, error) {
	var ss []series
	var notes, missing []string
	if runs != nil && runs.Has(report.Baseline) && !contains(family.Conditions, report.Baseline) {
		ss = append(ss, baselineSeries())
	} else if !contains(family.Conditions, report.Baseline) {
		notes = append(notes, "baseline not in these runs")
	}
	k := 0
	for _, c := range family.Conditions {
		if runs == nil || !runs.Has(c) {
			missing = append(missing, c)
			continue
		}
		ss = append(ss, series{cond: c, label: conditionLabel(c), color: seriesColors[k%len(seriesColors)],
			glyph: seriesGlyphs[k%len(seriesGlyphs)], width: meanWidth, band: true})
		k++
	}
	if k == 0 {
		return nil, fmt.Errorf("figures: family %s (%s): %w", family.Name, strings.Join(family.Conditions, ", "), ErrNoData)
	}
	if len(missing) > 0 {
		notes = append(notes, "not in these runs, skipped: "+strings.Join(missing, ", "))
	}
	title := family.Title
	if len(ss) > k {
		title += " vs baseline"
	}
	return build(runs, "family_"+family.Name, title, ss, refs, notes)
}

// BestMitigations draws the baseline and the chosen setting of each
// practical family (BestPractical) as mean lines with ±1 std bands, between the
// boundary conditions drawn as grey lines without bands: the frozen judge
// (dashed, lower bound) and the 10% oracle anchor (dotted, upper bound). In
// the policy-quality panel, where they bound what a method can reach, the
// range between the two is shaded grey.
// Absent conditions are skipped with a note; when none of BestPractical is
// present (the baseline alone would repeat the headline figure) the error
// wraps ErrNoData.
func BestMitigations(runs *report.Runs, refs Refs) (*Figure, error) {
	var ss []series
	var missing []string
	has := func(c string) bool {
		if runs != nil && runs.Has(c) {
			return true
		}
		missing = append(missing, c)
		return false
	}
	if has(report.Baseline) {
		ss = append(ss, baselineSeries())
	}
	practical := 0
	for k, c := range BestPractical {
		if has(c) {
			practical++
			ss = append(ss, series{cond: c, label: conditionLabel(c), color: seriesColors[k%len(seriesColors)],
				glyph: seriesGlyphs[k%len(seriesGlyphs)], width: meanWidth, band: true})
		}
	}
	if practical == 0 {
		return nil, fmt.Errorf("figures: best mitigations (%s, %s): %w",
			report.Baseline, strings.Join(BestPractical, ", "), ErrNoData)
	}
	// The bounds go first so that the methods are drawn over them.
	var bounds []series
	if has("frozen") {
		bounds = append(bounds, series{cond: "frozen", label: "lower bound: frozen judge", color: boundGrey,
			dashes: []vg.Length{9, 4}, width: boundWidth, bound: lowerBound})
	}
	if has("anchor_0.1") {
		bounds = append(bounds, series{cond: "anchor_0.1", label: "upper bound: 10% oracle anchor", color: boundGrey,
			dashes: []vg.Length{2, 3}, width: boundWidth + 0.4, bound: upperBound})
	}
	var notes []string
	if len(missing) > 0 {
		notes = append(notes, "not in these runs, skipped: "+strings.Join(missing, ", "))
	}
	return build(runs, "best_mitigations", "Best mitigations between the bounds", append(bounds, ss...), refs, notes)
}

func baselineSeries() series {
	return series{cond: report.Baseline, label: conditionLabel(report.Baseline), color: okabeBlack,
		glyph: draw.CircleGlyph{}, width: meanWidth, band: true}
}

// conditionLabel names a condition for a legend: its name and, for the
// known families, what it does.
func conditionLabel(cond string) string {
	c, err := coevo.ConditionByName(cond)
	if err != nil || cond == report.Baseline {
		return cond
	}
	k := c.Knobs
	var what string
	switch {
	case k.Frozen:
		return "frozen judge"
	case k.MetaOn() && k.JudgeUpdateEvery > 1:
		what = fmt.Sprintf("judge and meta-judge every %d steps", k.JudgeUpdateEvery)
	case k.MetaOn():
		what = fmt.Sprintf("meta-judge every %d steps", k.MetaUpdateEvery)
	case k.AnchorFraction > 0:
		what = fmt.Sprintf("%.3g%% oracle anchor", 100*k.AnchorFraction)
	case k.ResetEvery > 0:
		what = fmt.Sprintf("reset every %d iterations", k.ResetEvery)
	case k.NJudges > 1:
		what = fmt.Sprintf("%d judges", k.NJudges)
	case k.JudgeUpdateEvery > 1:
		what = fmt.Sprintf("judge update every %d steps", k.JudgeUpdateEvery)
	default:
		return cond
	}
	return cond + " (" + what + ")"
}

// panelYLabels are the y-axis labels of the panels, indexed by metric.
var panelYLabels = [report.NumMetrics]string{
	report.PolicyQuality:         "true quality  Σ π·q*",
	report.JudgeAlignment:        "Spearman ρ(judge, q*)",
	report.PolicyEntropy:         "entropy (nats)",
	report.JudgePerceivedQuality: "judge score  Σ π·J",
}

// build draws the series into the four panels of a new Figure.
func build(runs *report.Runs, name, title string, ss []series, refs Refs, notes []string) (*Figure, error) {
	f := newFigure(name, title)
	f.Notes = notes

	last := 0
	minSeeds, maxSeeds := math.MaxInt, 0
	bands := make([][report.NumMetrics]report.Band, len(ss))
	for i, s := range ss {
		rs := runs.Condition(s.cond)
		for _, m := range report.Metrics {
			bands[i][m] = report.Trajectory(rs, m)
		}
		last = max(last, len(bands[i][0].Iterations)-1)
		minSeeds, maxSeeds = min(minSeeds, len(rs)), max(maxSeeds, len(rs))
	}
	xmax := float64(max(last, 1))
	banded := false

	lower, upper := boundIndex(ss, lowerBound), boundIndex(ss, upperBound)
	between := false
	for _, m := range report.Metrics {
		p := newPanel(m.Title(), panelYLabels[m])
		// The range between the bounds under bands under seeds under means,
		// so that no mean line is hidden.
		if m == report.PolicyQuality && lower >= 0 && upper >= 0 {
			lo, hi := bands[lower][m], bands[upper][m]
			if poly, err := ringPolygon(lo.Iterations, lo.Mean, hi.Iterations, hi.Mean, boundGrey, betweenAlpha); err != nil {
				return nil, fmt.Errorf("figures: %s: range between the bounds: %w", name, err)
			} else if poly != nil {
				p.Add(poly)
				between = true
			}
		}
		for i, s := range ss {
			if !s.band {
				continue
			}
			if poly, err := bandPolygon(bands[i][m], s.color); err != nil {
				return nil, fmt.Errorf("figures: %s: %s band of %s: %w", name, m, s.cond, err)
			} else if poly != nil {
				p.Add(poly)
				banded = true
			}
		}
		for i, s := range ss {
			if !s.seeds {
				continue
			}
			b := bands[i][m]
			for k, vals := range b.PerSeed {
				l, err := plotter.NewLine(xyOf(b.Iterations[:len(vals)], vals))
				if err != nil {
					return nil, fmt.Errorf("figures: %s: %s of %s seed %d: %w", name, m, s.cond, b.Seeds[k], err)
				}
				l.LineStyle = draw.LineStyle{Color: withAlpha(s.color, seedAlpha), Width: seedWidth}
				p.Add(l)
			}
		}
		for i, s := range ss {
			line, marks, err := meanLine(bands[i][m], s)
			if err != nil {
				return nil, fmt.Errorf("figures: %s: %s of %s: %w", name, m, s.cond, err)
			}
			p.Add(line)
			if marks != nil {
				p.Add(marks)
			}
		}
		if ref := refFor(m, refs); ref != nil {
			l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: ref.value}, {X: xmax, Y: ref.value}})
			if err != nil {
				return nil, fmt.Errorf("figures: %s: reference line: %w", name, err)
			}
			l.LineStyle = refStyle()
			p.Add(l)
		}
		p.X.Min, p.X.Max = 0, xmax
		if m == report.PolicyEntropy {
			p.Y.Min = math.Min(0, p.Y.Min)
		}
		if p.Y.Min == p.Y.Max { // a flat course: give the axis some height
			p.Y.Min, p.Y.Max = p.Y.Min-0.5, p.Y.Max+0.5
		}
		f.Panels[m] = p
	}

	// Legend: one entry per series (boundary conditions last), then the
	// thin seed lines, then the references.
	order := make([]int, 0, len(ss))
	for _, bound := range []bool{false, true} {
		for i, s := range ss {
			if (s.bound != notBound) == bound {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		s := ss[i]
		var thumbs []plot.Thumbnailer
		if s.band && len(bands[i][0].Seeds) > 1 {
			thumbs = append(thumbs, bandThumb(s.color))
		}
		thumbs = append(thumbs, &plotter.Line{LineStyle: s.lineStyle()})
		if s.glyph != nil {
			thumbs = append(thumbs, &plotter.Scatter{GlyphStyle: s.glyphStyle()})
		}
		f.legend = append(f.legend, legendEntry{s.label, thumbs})
	}
	if between {
		f.legend = append(f.legend, legendEntry{"between the bounds (policy quality)",
			[]plot.Thumbnailer{&plotter.Polygon{Color: withAlpha(boundGrey, betweenAlpha), LineStyle: draw.LineStyle{Color: color.Transparent}}}})
	}
	for _, s := range ss {
		if s.seeds {
			l := &plotter.Line{LineStyle: draw.LineStyle{Color: withAlpha(s.color, seedAlpha), Width: seedWidth}}
			f.legend = append(f.legend, legendEntry{"individual seeds", []plot.Thumbnailer{l}})
		}
	}
	for _, m := range report.Metrics {
		if ref := refFor(m, refs); ref != nil {
			f.legend = append(f.legend, legendEntry{ref.label, []plot.Thumbnailer{&plotter.Line{LineStyle: refStyle()}}})
		}
	}

	seeds := fmt.Sprintf("%d", maxSeeds)
	if minSeeds != maxSeeds {
		seeds = fmt.Sprintf("%d–%d", minSeeds, maxSeeds)
	}
	caption := fmt.Sprintf("Thick lines: mean over seeds (n = %s)", seeds)
	if banded {
		caption += "; shaded: ±1 standard deviation"
	}
	caption += "."
	for _, n := range notes {
		caption += " Note: " + n + "."
	}
	f.Caption = caption
	return f, nil
}

type reference struct {
	value float64
	label string
}

// refFor returns the reference line of a metric's panel, or nil.
func refFor(m report.Metric, refs Refs) *reference {
	ok := func(v float64) bool { return v != 0 && !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case m == report.PolicyQuality && ok(refs.MaxQuality):
		return &reference{refs.MaxQuality, fmt.Sprintf("best possible quality (max q* = %.3f)", refs.MaxQuality)}
	case m == report.PolicyEntropy && ok(refs.MaxEntropy):
		label := fmt.Sprintf("maximum entropy (%.3f nats)", refs.MaxEntropy)
		if math.Abs(refs.MaxEntropy-math.Log(4096)) < 1e-9 {
			label = fmt.Sprintf("maximum entropy (ln 4096 = %.3f)", refs.MaxEntropy)
		}
		return &reference{refs.MaxEntropy, label}
	}
	return nil
}

func refStyle() draw.LineStyle {
	return draw.LineStyle{Color: color.Black, Width: refWidth, Dashes: []vg.Length{5, 3}}
}

// meanLine returns the mean line of a band in a series' style, and its
// markers (nil when the series has none).
func meanLine(b report.Band, s series) (*plotter.Line, *plotter.Scatter, error) {
	xy := xyOf(b.Iterations, b.Mean)
	line, err := plotter.NewLine(xy)
	if err != nil {
		return nil, nil, err
	}
	line.LineStyle = s.lineStyle()
	if s.glyph == nil {
		return line, nil, nil
	}
	marks, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, nil, err
	}
	marks.GlyphStyle = s.glyphStyle()
	return line, marks, nil
}

func (s series) lineStyle() draw.LineStyle {
	return draw.LineStyle{Color: s.color, Width: s.width, Dashes: s.dashes}
}

func (s series) glyphStyle() draw.GlyphStyle {
	return draw.GlyphStyle{Color: s.color, Radius: glyphSize, Shape: s.glyph}
}

// bandPolygon returns the ±1 std band of a course, or nil when the std is
// undefined (one seed).
func bandPolygon(b report.Band, col color.NRGBA) (*plotter.Polygon, error) {
	lo, hi := make([]float64, len(b.Mean)), make([]float64, len(b.Mean))
	for i := range b.Mean {
		lo[i], hi[i] = b.Mean[i]-b.Std[i], b.Mean[i]+b.Std[i]
	}
	return ringPolygon(b.Iterations, lo, b.Iterations, hi, col, bandAlpha)
}

// ringPolygon fills the area between two courses (iterations x, values y),
// or returns nil when either is empty or holds a NaN.
func ringPolygon(xLow []int, yLow []float64, xHigh []int, yHigh []float64, col color.NRGBA, alpha float64) (*plotter.Polygon, error) {
	if len(yLow) == 0 || len(yHigh) == 0 {
		return nil, nil
	}
	ring := make(plotter.XYs, 0, len(yLow)+len(yHigh))
	for i, y := range yHigh {
		ring = append(ring, plotter.XY{X: float64(xHigh[i]), Y: y})
	}
	for i := len(yLow) - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: float64(xLow[i]), Y: yLow[i]})
	}
	for _, xy := range ring {
		if math.IsNaN(xy.Y) {
			return nil, nil
		}
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, err
	}
	poly.Color = withAlpha(col, alpha)
	poly.LineStyle = draw.LineStyle{Color: color.Transparent, Width: 0}
	return poly, nil
}

// boundIndex is the position of the series of the given bound, or −1.
func boundIndex(ss []series, kind boundKind) int {
	for i, s := range ss {
		if s.bound == kind {
			return i
		}
	}
	return -1
}

func bandThumb(col color.NRGBA) *plotter.Polygon {
	return &plotter.Polygon{Color: withAlpha(col, bandAlpha), LineStyle: draw.LineStyle{Color: color.Transparent}}
}

func xyOf(x []int, y []float64) plotter.XYs {
	xy := make(plotter.XYs, len(y))
	for i := range y {
		xy[i] = plotter.XY{X: float64(x[i]), Y: y[i]}
	}
	return xy
}

func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * a))
	return c
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
