package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteMarkdown writes a summary as a Markdown table, one row per condition,
// with numbers as "mean ± std" and a legend below the table. Columns are
// padded so that the table also reads as plain text.
func WriteMarkdown(w io.Writer, summaries []ConditionSummary) error {
	header := []string{"condition", "n", "final quality", "Δ quality vs baseline [95% CI]",
		"judge alignment", "policy entropy", "judge-perceived quality", "peak iteration (per seed)", "degradation %"}
	rows := [][]string{header}
	anyBoundary := false
	for _, s := range summaries {
		name := s.Condition
		if s.Boundary {
			name += " †"
			anyBoundary = true
		}
		rows = append(rows, []string{
			name,
			strconv.Itoa(len(s.Seeds)),
			fmtStat(s.Final[PolicyQuality], "%.3f"),
			fmtPaired(s),
			fmtStat(s.Final[JudgeAlignment], "%.3f"),
			fmtStat(s.Final[PolicyEntropy], "%.3f"),
			fmtStat(s.Final[JudgePerceivedQuality], "%.3f"),
			fmtPeak(s),
			fmtStat(s.DegradationPct, "%.1f"),
		})
	}
	width := make([]int, len(header))
	for _, row := range rows {
		for j, cell := range row {
			width[j] = max(width[j], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	writeRow := func(row []string) {
		b.WriteString("|")
		for j, cell := range row {
			pad := width[j] - utf8.RuneCountInString(cell)
			if j == 0 {
				b.WriteString(" " + cell + strings.Repeat(" ", pad) + " |")
			} else {
				b.WriteString(" " + strings.Repeat(" ", pad) + cell + " |")
			}
		}
		b.WriteString("\n")
	}
	writeRow(rows[0])
	b.WriteString("|")
	for j, wd := range width {
		if j == 0 {
			b.WriteString(":" + strings.Repeat("-", wd+1) + "|")
		} else {
			b.WriteString(strings.Repeat("-", wd+1) + ":|")
		}
	}
	b.WriteString("\n")
	for _, row := range rows[1:] {
		writeRow(row)
	}
	b.WriteString("\nFinal values at the last iteration, mean ± sample standard deviation over seeds (n seeds). " +
		"Δ: paired difference of final quality to the baseline on the same seeds, mean [95% Student t interval]. " +
		"Peak iteration: first iteration of maximum quality after the start (1 and later, as the original records). Degradation: 100·(peak − final)/|peak|.\n")
	if anyBoundary {
		b.WriteString("† Boundary condition, not a practical method: the frozen judge is the lower bound, " +
			"the 10% oracle anchor (anchor_0.1) the upper bound.\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("report: write markdown: %w", err)
	}
	return nil
}

// fmtStat renders "mean ± std" with the given verb, or just the mean when
// the std is undefined, or "n/a" when the mean is.
func fmtStat(s Stat, verb string) string {
	if math.IsNaN(s.Mean) {
		return "n/a"
	}
	if math.IsNaN(s.Std) {
		return fmt.Sprintf(verb, s.Mean)
	}
	return fmt.Sprintf(verb+" ± "+verb, s.Mean, s.Std)
}

func fmtPaired(s ConditionSummary) string {
	switch {
	case s.Condition == Baseline:
		return "(reference)"
	case s.VsBaseline == nil:
		return "n/a"
	}
	return fmtPairedDiff(*s.VsBaseline)
}

// fmtPairedDiff renders a paired difference as "+0.123 [-0.045, +0.291]",
// or "+0.123 (n=1)" when there are too few seeds for an interval. The
// summary and the findings both use it, so that a number reads the same in
// both. Signs are kept when a value rounds to zero: a mean difference of
// −0.0004 prints as "-0.000", which says on which side of zero it lies
// (what the findings' rules test) instead of hiding it.
func fmtPairedDiff(p Paired) string {
	if math.IsNaN(p.Lo) {
		return fmt.Sprintf("%+.3f (n=%d)", p.Diff.Mean, p.Diff.N)
	}
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f]", p.Diff.Mean, p.Lo, p.Hi)
}

func fmtPeak(s ConditionSummary) string {
	if len(s.PeakIterations) == 0 {
		return "n/a"
	}
	per := make([]string, len(s.PeakIterations))
	for i, it := range s.PeakIterations {
		per[i] = strconv.Itoa(it)
	}
	return fmt.Sprintf("%.1f (%s)", s.PeakIteration.Mean, strings.Join(per, ","))
}

// CSVHeader returns the column names that WriteCSV writes.
func CSVHeader() []string {
	h := []string{"condition", "boundary", "n_seeds", "seeds", "last_iteration"}
	for _, m := range Metrics {
		h = append(h, "final_"+m.String()+"_mean", "final_"+m.String()+"_std")
	}
	return append(h,
		"peak_iteration_mean", "peak_iteration_std", "peak_iterations",
		"peak_quality_mean", "peak_quality_std",
		"degradation_pct_mean", "degradation_pct_std",
		"diff_vs_baseline_n", "diff_vs_baseline_mean", "diff_vs_baseline_std",
		"diff_vs_baseline_ci95_lo", "diff_vs_baseline_ci95_hi")
}

// WriteCSV writes a summary as CSV with a header row (CSVHeader), one row
// per condition and one column per number, at full precision. Undefined
// numbers (a standard deviation over one seed, a difference without
// baseline) are empty cells; lists of seeds and peak iterations are
// space-separated.
func WriteCSV(w io.Writer, summaries []ConditionSummary) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	for _, s := range summaries {
		row := []string{s.Condition, strconv.FormatBool(s.Boundary), strconv.Itoa(len(s.Seeds)),
			joinInts(s.Seeds), strconv.Itoa(s.Iterations)}
		for _, m := range Metrics {
			row = append(row, num(s.Final[m].Mean), num(s.Final[m].Std))
		}
		row = append(row,
			num(s.PeakIteration.Mean), num(s.PeakIteration.Std), joinInts(s.PeakIterations),
			num(s.PeakQuality.Mean), num(s.PeakQuality.Std),
			num(s.DegradationPct.Mean), num(s.DegradationPct.Std))
		if p := s.VsBaseline; p != nil {
			row = append(row, strconv.Itoa(p.Diff.N), num(p.Diff.Mean), num(p.Diff.Std), num(p.Lo), num(p.Hi))
		} else {
			row = append(row, "", "", "", "", "")
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("report: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: write csv: %w", err)
	}
	return nil
}

func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func joinInts(xs []int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, " ")
}
