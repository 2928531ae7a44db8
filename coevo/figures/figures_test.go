package figures_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coevolab/coevolab/coevo"
	"github.com/coevolab/coevolab/coevo/figures"
	"github.com/coevolab/coevolab/coevo/report"
)

var refs = figures.Refs{MaxQuality: 1.9, MaxEntropy: math.Log(4096)}

// synthRun makes a run with plausible courses: quality rises then sags,
// alignment drifts down, entropy collapses, perceived quality keeps rising.
func synthRun(cond string, seed, iterations int, lift float64) report.Run {
	cfg := coevo.DefaultConfig()
	cfg.Train.Iterations = iterations
	knobs := coevo.DefaultKnobs()
	if c, err := coevo.ConditionByName(cond); err == nil {
		knobs = c.Knobs
	}
	recs := make([]coevo.Record, iterations+1)
	for i := range recs {
		t := float64(i)
		s := float64(seed)
		recs[i] = coevo.Record{
			Condition:             cond,
			Seed:                  seed,
			Iteration:             i,
			PolicyQuality:         0.1 + (0.9+lift)*(1-math.Exp(-t)) - 0.02*t + 0.05*s,
			JudgeAlignment:        0.7 - (0.3-lift/3)*(1-math.Exp(-t/2)) + 0.02*s,
			PolicyEntropy:         math.Log(4096) * math.Exp(-t*(0.9-lift/3)) * (1 - 0.02*s),
			JudgePerceivedQuality: 0.2*t + 0.1*s + lift,
			Mode:                  "↑→↓←",
		}
	}
	return report.Run{
		Manifest: coevo.Manifest{Condition: cond, Seed: seed, Knobs: knobs, Config: cfg,
			ConfigHash: coevo.RunHash(cfg, knobs, seed)},
		Records: recs,
	}
}

// loadSynth writes the conditions (seeds 0..seeds−1, 10 iterations) under a
// temporary folder and loads them with report.Load.
func loadSynth(t testing.TB, seeds int, conds ...string) *report.Runs {
	t.Helper()
	dir := t.TempDir()
	for k, c := range conds {
		for s := range seeds {
			r := synthRun(c, s, 10, 0.05*float64(k))
			if err := coevo.WriteRun(dir, r.Manifest, r.Records); err != nil {
				t.Fatal(err)
			}
		}
	}
	runs, err := report.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

var panelTitles = []string{"Policy quality", "Judge alignment", "Policy entropy", "Judge-perceived quality"}

// checkPNG decodes a PNG and checks its size.
func checkPNG(t *testing.T, r io.Reader, wantW, wantH int) {
	t.Helper()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatalf("PNG does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
		t.Errorf("PNG is %d×%d, want %d×%d", b.Dx(), b.Dy(), wantW, wantH)
	}
}

// svgText parses an SVG document as XML and returns all its character data.
func svgText(t *testing.T, r io.Reader) string {
	t.Helper()
	dec := xml.NewDecoder(r)
	var text strings.Builder
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			text.Write(tok)
			text.WriteString("\n")
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element %q, want svg", root)
	}
	return text.String()
}

func mustContain(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q", what, sub)
		}
	}
}

func TestHeadline(t *testing.T) {
	runs := loadSynth(t, 3, "baseline", "asymmetric_10")
	fig, err := figures.Headline(runs, "", refs)
	if err != nil {
		t.Fatal(err)
	}
	if fig.Name != "headline_baseline" {
		t.Errorf("Name %q", fig.Name)
	}
	for i, p := range fig.Panels {
		if p == nil || p.Title.Text != panelTitles[i] {
			t.Fatalf("panel %d: %v", i, p)
		}
	}
	const dpi = 72
	w, h := fig.PixelSize(dpi)
	if w != 7*dpi || h < 6*dpi || h > 8*dpi {
		t.Errorf("PixelSize(%d) = %d×%d, want 504 wide and 6–8 inches tall", dpi, w, h)
	}
	b, err := fig.PNG(dpi)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, bytes.NewReader(b), w, h)

	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, &svg)
	mustContain(t, "headline SVG", text, panelTitles...)
	mustContain(t, "headline SVG", text, "baseline: judge–policy co-evolution (3 seeds)",
		"individual seeds", "best possible quality (max q* = 1.900)", "maximum entropy (ln 4096 = 8.318)",
		"iteration", "10")

	if _, err := figures.Headline(runs, "ensemble_5", refs); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("Headline of an absent condition = %v, want ErrNoData", err)
	}
	if err := fig.WritePNG(io.Discard, 0); err == nil {
		t.Error("WritePNG at 0 dpi succeeded")
	}
}

func TestFamilySkipsMissing(t *testing.T) {
	runs := loadSynth(t, 2, "baseline", "asymmetric_2", "asymmetric_10")
	fam, ok := figures.FamilyByName("asymmetric")
	if !ok {
		t.Fatal("no family asymmetric")
	}
	fig, err := figures.Family(runs, fam, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Notes) != 1 || !strings.Contains(fig.Notes[0], "asymmetric_5") {
		t.Errorf("Notes = %q, want asymmetric_5 skipped", fig.Notes)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, &svg)
	mustContain(t, "family SVG", text, panelTitles...)
	mustContain(t, "family SVG", text, "Slower judge updates vs baseline", "baseline",
		"asymmetric_2 (judge update every 2 steps)", "asymmetric_10 (judge update every 10 steps)", "asymmetric_5")

	ens, _ := figures.FamilyByName("ensemble")
	if _, err := figures.Family(runs, ens, refs); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("Family(ensemble) without ensemble runs = %v, want ErrNoData", err)
	}
	// A family without the baseline still draws, with a note.
	only := loadSynth(t, 2, "ensemble_3")
	fig, err = figures.Family(only, ens, figures.Refs{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(fig.Notes, func(n string) bool { return strings.Contains(n, "baseline not in these runs") }) {
		t.Errorf("Notes = %q, want the missing baseline", fig.Notes)
	}
}

func TestFamiliesCoverGrid(t *testing.T) {
	var all []string
	for _, f := range figures.Families {
		all = append(all, f.Conditions...)
	}
	for _, c := range coevo.GridNames {
		if c != report.Baseline && !slices.Contains(all, c) {
			t.Errorf("grid condition %s is in no family", c)
		}
	}
	for _, c := range all {
		if !slices.Contains(coevo.GridNames, c) {
			t.Errorf("family condition %s is not in the grid", c)
		}
	}
}

func TestBestMitigations(t *testing.T) {
	runs := loadSynth(t, 3, "baseline", "asymmetric_10", "ensemble_5", "asym_meta_10", "frozen", "anchor_0.1")
	fig, err := figures.BestMitigations(runs, refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Notes) != 1 || !strings.Contains(fig.Notes[0], "reinit_5") {
		t.Errorf("Notes = %q, want reinit_5 skipped", fig.Notes)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, &svg)
	mustContain(t, "best mitigations SVG", text, panelTitles...)
	mustContain(t, "best mitigations SVG", text, "lower bound: frozen judge", "upper bound: 10% oracle anchor", "between the bounds (policy quality)",
		"asym_meta_10 (judge and meta-judge every 10 steps)", "ensemble_5 (5 judges)", "reinit_5")
	w, h := fig.PixelSize(50)
	b, err := fig.PNG(50)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, bytes.NewReader(b), w, h)
}

func TestSaveAll(t *testing.T) {
	runs := loadSynth(t, 2, "baseline", "asymmetric_2", "asymmetric_10", "ensemble_3", "meta_10", "frozen", "anchor_0.1", "asym_meta_10")
	dir := filepath.Join(t.TempDir(), "figs")
	files, notes, err := figures.SaveAll(runs, refs, dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"headline_baseline", "family_asymmetric", "family_ensemble", "family_anchor",
		"family_meta", "family_asym_meta", "family_frozen", "best_mitigations"} {
		want = append(want, filepath.Join(dir, name+".png"), filepath.Join(dir, name+".svg"))
	}
	if !slices.Equal(files, want) {
		t.Errorf("SaveAll wrote\n%q\nwant\n%q", files, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("%d entries in the folder (temporary files left?), want %d", len(entries), len(want))
	}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".png") {
			img, err := png.Decode(fh)
			if err != nil {
				t.Errorf("%s: %v", f, err)
			} else if img.Bounds().Dx() != 7*figures.DefaultDPI {
				t.Errorf("%s is %d pixels wide, want %d", f, img.Bounds().Dx(), 7*figures.DefaultDPI)
			}
		} else {
			mustContain(t, f, svgText(t, fh), panelTitles...)
		}
		fh.Close()
	}
	joined := strings.Join(notes, "\n")
	mustContain(t, "notes", joined, "family reinit skipped", "family_ensemble: not in these runs, skipped: ensemble_5",
		"best_mitigations: not in these runs, skipped: ensemble_5, reinit_5")
}

func TestOneSeedAndNil(t *testing.T) {
	runs := loadSynth(t, 1, "baseline")
	fig, err := figures.Headline(runs, "baseline", figures.Refs{MaxQuality: math.NaN()})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := fig.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	text := svgText(t, &svg)
	mustContain(t, "one-seed SVG", text, panelTitles...)
	if strings.Contains(text, "best possible quality") || strings.Contains(text, "shaded") {
		t.Error("one-seed figure without refs draws a reference line or a band")
	}
	if _, err := figures.Headline(nil, "", refs); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("Headline(nil) = %v", err)
	}
	if _, err := figures.BestMitigations(nil, refs); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("BestMitigations(nil) = %v", err)
	}
	// The baseline alone (e.g. the exact-entropy runs) would only repeat the
	// headline figure.
	if _, err := figures.BestMitigations(loadSynth(t, 2, "baseline", "frozen"), refs); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("BestMitigations(baseline, frozen) = %v, want ErrNoData", err)
	}
	if _, _, err := figures.SaveAll(nil, refs, t.TempDir()); !errors.Is(err, figures.ErrNoData) {
		t.Errorf("SaveAll(nil) = %v", err)
	}
}
