package figures

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/report"
)

// All returns every figure that the runs allow: the headline of the
// baseline (or, without a baseline, of the first condition), one figure per
// family of Families with at least one setting present, and the best
// mitigations. Notes say what was skipped.
func All(runs *report.Runs, refs Refs) (figs []*Figure, notes []string, err error) {
	if runs == nil || len(runs.Conditions()) == 0 {
		return nil, nil, fmt.Errorf("figures: no runs: %w", ErrNoData)
	}
	head := report.Baseline
	if !runs.Has(head) {
		head = runs.Conditions()[0]
		notes = append(notes, fmt.Sprintf("no baseline runs: the headline figure shows %s", head))
	}
	fig, err := Headline(runs, head, refs)
	if err != nil {
		return nil, nil, err
	}
	figs = append(figs, fig)
	for _, fam := range Families {
		fig, err := Family(runs, fam, refs)
		if errors.Is(err, ErrNoData) {
			notes = append(notes, fmt.Sprintf("family %s skipped: none of its conditions are in the runs", fam.Name))
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		figs = append(figs, fig)
		notes = append(notes, prefixed(fig.Name, fig.Notes)...)
	}
	fig, err = BestMitigations(runs, refs)
	switch {
	case errors.Is(err, ErrNoData):
		notes = append(notes, "best_mitigations skipped: none of its conditions are in the runs")
	case err != nil:
		return nil, nil, err
	default:
		figs = append(figs, fig)
		notes = append(notes, prefixed(fig.Name, fig.Notes)...)
	}
	return figs, notes, nil
}

func prefixed(name string, notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = name + ": " + n
	}
	return out
}

// SaveAll writes every figure of All under dir (created if needed) as
// <name>.png (at DefaultDPI) and <name>.svg: headline_<condition>,
// family_<name> for each family present, and best_mitigations. Each file is
// written to a temporary name and renamed. It returns the files written and
// notes on what was skipped.
func SaveAll(runs *report.Runs, refs Refs, dir string) (files, notes []string, err error) {
	figs, notes, err := All(runs, refs)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("figures: %w", err)
	}
	for _, fig := range figs {
		written, err := Save(fig, dir)
		files = append(files, written...)
		if err != nil {
			return files, notes, err
		}
	}
	return files, notes, nil
}

// Save writes one figure under dir as <Name>.png (at DefaultDPI) and
// <Name>.svg, each through a temporary file and a rename, and returns the
// files written.
func Save(fig *Figure, dir string) ([]string, error) {
	var files []string
	var b bytes.Buffer
	if err := fig.WritePNG(&b, DefaultDPI); err != nil {
		return nil, err
	}
	png := filepath.Join(dir, fig.Name+".png")
	if err := coevo.WriteFileAtomic(png, b.Bytes()); err != nil {
		return nil, fmt.Errorf("figures: %w", err)
	}
	files = append(files, png)
	b.Reset()
	if err := fig.WriteSVG(&b); err != nil {
		return files, err
	}
	svg := filepath.Join(dir, fig.Name+".svg")
	if err := coevo.WriteFileAtomic(svg, b.Bytes()); err != nil {
		return files, fmt.Errorf("figures: %w", err)
	}
	return append(files, svg), nil
}
