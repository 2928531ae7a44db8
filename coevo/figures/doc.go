// Package figures draws the co-evolution diagnostics of loaded runs with
// gonum.org/v1/plot, as PNG and SVG.
//
// Every figure is a 2×2 panel of the four diagnostics (policy quality, judge
// alignment, policy entropy, judge-perceived quality) against the outer
// iteration. Each condition is drawn as its mean over seeds (a thick line
// with markers) and a band of ±1 sample standard deviation; with a single
// condition the individual seeds are drawn as thin lines too. Dashed
// reference lines show the best possible quality and the maximum entropy
// (see [Refs]). The legend sits below the panels, never over the data.
// Colours follow the Okabe–Ito palette, which colour-blind readers can tell
// apart, and each condition also has its own marker shape, so that figures
// survive grey-scale printing; text is at least 11 pt at the figure's
// natural size (7 inches wide).
//
// The figures:
//
//   - [Headline]: one condition (usually the baseline).
//   - [Family]: one mitigation family of [Families] against the baseline.
//   - [BestMitigations]: the best setting of each practical family against
//     the baseline, between the lower (frozen judge) and upper (10% oracle
//     anchor) boundary conditions, which are drawn as grey lines without
//     bands.
//
// Conditions absent from the runs are skipped and listed in Figure.Notes
// and in the figure's caption. [SaveAll] writes every figure as PNG and SVG.
// The input is the same *report.Runs that report.Summarize reads, so that
// tables and figures come from one loader.
package figures
