package figures_test

import (
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/coevolab/coevolab/coevo/figures"
	"github.com/coevolab/coevolab/coevo/report"
)

func ExampleHeadline() {
	// In practice: runs, err := report.Load("runs").
	runs, err := report.NewRuns(report.LoadOptions{},
		synthRun("baseline", 0, 10, 0), synthRun("baseline", 1, 10, 0), synthRun("baseline", 2, 10, 0))
	if err != nil {
		log.Fatal(err)
	}
	fig, err := figures.Headline(runs, "baseline", figures.Refs{MaxQuality: 1.9, MaxEntropy: math.Log(4096)})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range fig.Panels {
		fmt.Println(p.Title.Text)
	}
	w, h := fig.PixelSize(100)
	fmt.Printf("%s.png: %d×%d pixels at 100 dpi\n", fig.Name, w, h)
	// In a notebook: png, err := fig.PNG(100); gonbui.DisplayPNG(png).
	if err := fig.WritePNG(io.Discard, 100); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Policy quality
	// Judge alignment
	// Policy entropy
	// Judge-perceived quality
	// headline_baseline.png: 700×668 pixels at 100 dpi
}

func ExampleFamilies() {
	for _, f := range figures.Families {
		fmt.Printf("%-10s %-32s %v\n", f.Name, f.Title, f.Conditions)
	}
	// Output:
	// asymmetric Slower judge updates             [asymmetric_2 asymmetric_5 asymmetric_10]
	// ensemble   Judge ensembles                  [ensemble_3 ensemble_5]
	// reinit     Periodic judge resets            [reinit_3 reinit_5]
	// anchor     Ground-truth anchors             [anchor_0.05 anchor_0.1]
	// meta       Meta-judge                       [meta_1 meta_10 meta_200]
	// asym_meta  Slow judge updates + meta-judge  [asym_meta_1 asym_meta_10 asym_meta_200]
	// frozen     Frozen judge                     [frozen]
}

func ExampleSaveAll() {
	runs, err := report.NewRuns(report.LoadOptions{},
		synthRun("baseline", 0, 10, 0), synthRun("baseline", 1, 10, 0),
		synthRun("ensemble_5", 0, 10, 0.1), synthRun("ensemble_5", 1, 10, 0.1))
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "figures")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	files, notes, err := figures.SaveAll(runs, figures.Refs{MaxEntropy: math.Log(4096)}, dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	fmt.Println(len(notes), "notes; the first:", notes[0])
	// Output:
	// headline_baseline.png
	// headline_baseline.svg
	// family_ensemble.png
	// family_ensemble.svg
	// best_mitigations.png
	// best_mitigations.svg
	// 8 notes; the first: family asymmetric skipped: none of its conditions are in the runs
}
