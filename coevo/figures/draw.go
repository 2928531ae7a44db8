package figures

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/coevolab/coevolab/coevo/report"
)

// Default figure geometry: a 7 inch wide figure prints on a page without
// shrinking its 11–14 pt text.
const (
	DefaultWidth        = 7 * vg.Inch
	DefaultPanelsHeight = 5.4 * vg.Inch
	// DefaultDPI is the resolution SaveAll writes PNG files at.
	DefaultDPI = 150
	// MaxDPI bounds the resolution WritePNG accepts.
	MaxDPI = 1200
)

// Font sizes, in points.
const (
	titleSize  = 14
	panelSize  = 13
	labelSize  = 12
	tickSize   = 11
	legendSize = 11
	noteSize   = 11
)

var (
	sans     = font.Font{Typeface: "Liberation", Variant: "Sans"}
	sansBold = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: stdfont.WeightBold}
)

// Figure is a 2×2 panel of the four diagnostics with a title, a legend
// below the panels and a caption. Its fields may be adjusted before it is
// written.
type Figure struct {
	// Name is the figure's file name without extension, such as
	// "headline_baseline" or "family_asymmetric".
	Name string
	// Title is drawn above the panels.
	Title string
	// Panels are the plots of the four diagnostics, indexed by
	// report.Metric: policy quality, judge alignment (top row), policy
	// entropy, judge-perceived quality (bottom row).
	Panels [report.NumMetrics]*plot.Plot
	// Caption is drawn below the legend, wrapped to the figure's width.
	Caption string
	// Notes list what was skipped (conditions absent from the runs).
	Notes []string
	// Width of the figure and height of the 2×2 panel grid; the total
	// height adds the title, legend and caption (see Size).
	Width, PanelsHeight vg.Length

	legend []legendEntry
}

type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

func newFigure(name, title string) *Figure {
	return &Figure{Name: name, Title: title, Width: DefaultWidth, PanelsHeight: DefaultPanelsHeight}
}

// newPanel returns an empty panel plot with the figures' fonts, integer
// iteration ticks and a light grid.
func newPanel(title, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sansBold, panelSize)
	p.Title.Padding = vg.Points(4)
	p.X.Label.Text = "iteration"
	p.Y.Label.Text = ylabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, labelSize)
		ax.Tick.Label.Font = font.From(sans, tickSize)
		ax.LineStyle.Width = vg.Points(0.8)
		ax.Tick.LineStyle.Width = vg.Points(0.8)
	}
	p.X.Tick.Marker = iterationTicks{}
	g := plotter.NewGrid()
	g.Vertical = draw.LineStyle{Color: color.Gray{Y: 225}, Width: vg.Points(0.5)}
	g.Horizontal = g.Vertical
	p.Add(g)
	return p
}

// iterationTicks labels whole iterations: every one up to 12, then every
// 2, 5, 10, 20, 50, ... so that at most about 12 labels show.
type iterationTicks struct{}

// Ticks implements plot.Ticker.
func (iterationTicks) Ticks(lo, hi float64) []plot.Tick {
	lo, hi = math.Ceil(lo), math.Floor(hi)
	if !(hi >= lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil
	}
	step := 1.0
	for mag := 1.0; (hi-lo)/step > 12; mag *= 10 {
		for _, s := range []float64{mag, 2 * mag, 5 * mag, 10 * mag} {
			if step = s; (hi-lo)/step <= 12 {
				break
			}
		}
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ticks
}

// textStyle is a left-aligned, top-anchored text style.
func textStyle(f font.Font, size vg.Length) text.Style {
	return text.Style{Color: color.Black, Font: font.From(f, size), Handler: plot.DefaultTextHandler,
		XAlign: draw.XLeft, YAlign: draw.YTop}
}

// layout is the vertical arrangement of a figure.
type layout struct {
	margin, gap      vg.Length
	titleH           vg.Length
	legendCols       int
	legendColW       vg.Length
	legendRows       int
	legendH          vg.Length
	captionLines     []string
	captionLineH     vg.Length
	captionH, height vg.Length
}

func (f *Figure) layout() layout {
	l := layout{margin: vg.Points(8), gap: vg.Points(8)}
	w := f.width()
	if f.Title != "" {
		l.titleH = textStyle(sansBold, titleSize).Height(f.Title)
	}
	if n := len(f.legend); n > 0 {
		leg := f.newLegend()
		var colW vg.Length
		for _, e := range f.legend {
			colW = max(colW, leg.ThumbnailWidth+leg.TextStyle.Width(" "+e.label))
		}
		colW += vg.Points(16)
		l.legendColW = colW
		l.legendCols = max(1, min(n, 3, int((w-2*l.margin)/colW)))
		l.legendRows = (n + l.legendCols - 1) / l.legendCols
		for range l.legendRows {
			leg.Add("Xy")
		}
		r := leg.Rectangle(draw.Canvas{})
		l.legendH = r.Max.Y - r.Min.Y
	}
	if f.Caption != "" {
		sty := textStyle(sans, noteSize)
		l.captionLines = wrap(sty, f.Caption, w-2*l.margin)
		l.captionLineH = sty.Height("Xy") * 1.15
		l.captionH = l.captionLineH * vg.Length(len(l.captionLines))
	}
	l.height = 2*l.margin + l.titleH + f.panelsHeight() + l.legendH + l.captionH
	for _, h := range []vg.Length{l.titleH, l.legendH, l.captionH} {
		if h > 0 {
			l.height += l.gap
		}
	}
	return l
}

func (f *Figure) width() vg.Length {
	if f.Width > 0 {
		return f.Width
	}
	return DefaultWidth
}

func (f *Figure) panelsHeight() vg.Length {
	if f.PanelsHeight > 0 {
		return f.PanelsHeight
	}
	return DefaultPanelsHeight
}

func (f *Figure) newLegend() plot.Legend {
	leg := plot.NewLegend()
	leg.TextStyle = text.Style{Color: color.Black, Font: font.From(sans, legendSize), Handler: plot.DefaultTextHandler}
	leg.Top, leg.Left = true, true
	leg.ThumbnailWidth = vg.Points(32)
	leg.Padding = vg.Points(3)
	leg.YPosition = draw.PosCenter
	return leg
}

// wrap breaks s into lines no wider than w.
func wrap(sty text.Style, s string, w vg.Length) []string {
	var lines []string
	var cur string
	for _, word := range strings.Fields(s) {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if cur != "" && sty.Width(next) > w {
			lines = append(lines, cur)
			next = word
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// Size returns the figure's width and total height.
func (f *Figure) Size() (w, h vg.Length) {
	return f.width(), f.layout().height
}

// PixelSize returns the size in pixels of the figure's PNG at dpi dots per
// inch.
func (f *Figure) PixelSize(dpi int) (w, h int) {
	fw, fh := f.Size()
	return int(fw/vg.Inch*vg.Length(dpi) + 0.5), int(fh/vg.Inch*vg.Length(dpi) + 0.5)
}

// Draw draws the figure onto c, which should have the figure's Size.
func (f *Figure) Draw(c draw.Canvas) {
	l := f.layout()
	c.FillPolygon(color.White, []vg.Point{
		{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y},
	})
	left, right := c.Min.X+l.margin, c.Max.X-l.margin
	y := c.Max.Y - l.margin
	if l.titleH > 0 {
		sty := textStyle(sansBold, titleSize)
		sty.XAlign = draw.XCenter
		c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: y}, f.Title)
		y -= l.titleH + l.gap
	}

	grid := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: left, Y: y - f.panelsHeight()},
		Max: vg.Point{X: right, Y: y},
	}}
	plots := [][]*plot.Plot{
		{f.Panels[report.PolicyQuality], f.Panels[report.JudgeAlignment]},
		{f.Panels[report.PolicyEntropy], f.Panels[report.JudgePerceivedQuality]},
	}
	if plots[0][0] != nil && plots[0][1] != nil && plots[1][0] != nil && plots[1][1] != nil {
		tiles := draw.Tiles{Rows: 2, Cols: 2, PadX: vg.Points(16), PadY: vg.Points(12)}
		canvases := plot.Align(plots, tiles, grid)
		for i := range plots {
			for j, p := range plots[i] {
				p.Draw(canvases[i][j])
			}
		}
	}
	y -= f.panelsHeight() + l.gap

	if l.legendH > 0 {
		x0 := (c.Min.X+c.Max.X)/2 - vg.Length(l.legendCols)*l.legendColW/2
		for col := range l.legendCols {
			leg := f.newLegend()
			for _, e := range f.legend[min(col*l.legendRows, len(f.legend)):min((col+1)*l.legendRows, len(f.legend))] {
				leg.Add(e.label, e.thumbs...)
			}
			xl := x0 + vg.Length(col)*l.legendColW
			leg.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: xl, Y: y - l.legendH},
				Max: vg.Point{X: xl + l.legendColW, Y: y},
			}})
		}
		y -= l.legendH + l.gap
	}

	if len(l.captionLines) > 0 {
		sty := textStyle(sans, noteSize)
		for _, line := range l.captionLines {
			c.FillText(sty, vg.Point{X: left, Y: y}, line)
			y -= l.captionLineH
		}
	}
}

// WritePNG writes the figure as a PNG image at dpi dots per inch (1 to
// MaxDPI); the image is PixelSize(dpi) pixels.
func (f *Figure) WritePNG(w io.Writer, dpi int) error {
	if dpi < 1 || dpi > MaxDPI {
		return fmt.Errorf("figures: %s: PNG resolution %d dpi outside 1..%d", f.Name, dpi, MaxDPI)
	}
	fw, fh := f.Size()
	c := vgimg.NewWith(vgimg.UseWH(fw, fh), vgimg.UseDPI(dpi))
	f.Draw(draw.New(c))
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(w); err != nil {
		return fmt.Errorf("figures: %s: write PNG: %w", f.Name, err)
	}
	return nil
}

// PNG returns the figure as PNG bytes at dpi dots per inch, for example for
// gonbui.DisplayPNG in a notebook.
func (f *Figure) PNG(dpi int) ([]byte, error) {
	var b bytes.Buffer
	if err := f.WritePNG(&b, dpi); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteSVG writes the figure as an SVG document. Text stays text (fonts are
// named, not embedded), so the figure can be searched and edited.
func (f *Figure) WriteSVG(w io.Writer) error {
	fw, fh := f.Size()
	c := vgsvg.New(fw, fh)
	f.Draw(draw.New(c))
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("figures: %s: write SVG: %w", f.Name, err)
	}
	return nil
}
