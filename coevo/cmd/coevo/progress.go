package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coevolab/coevolab/coevo"
)

// progressBar draws a one-line progress report on a terminal, redrawn in
// place with a carriage return at most every minRedraw: during training a
// bar of run-steps done (runs × inner steps) with the rate, the time elapsed
// and the time left; during pretraining a short status. A disabled bar
// draws nothing, and its Logf writes plain lines. Its methods are safe for
// concurrent use.
type progressBar struct {
	w       io.Writer
	enabled bool
	width   int // terminal columns; lines are cut to width−1
	now     func() time.Time

	mu       sync.Mutex
	start    time.Time // the bar's creation
	t0       time.Time // first training report, for the rate
	d0       int       // run-steps done at t0
	lastDraw time.Time
	shown    int // width of the line on screen; 0 when none
	last     coevo.SweepProgress
}

// minRedraw is the shortest time between two redraws.
const minRedraw = 200 * time.Millisecond

// barWidth is the number of cells of the bar itself.
const barWidth = 20

// newProgressBar returns a bar writing to w, a terminal of width columns
// (80 when width ≤ 0); it draws only when enabled.
func newProgressBar(w io.Writer, enabled bool, width int) *progressBar {
	if width <= 0 {
		width = 80
	}
	return &progressBar{w: w, enabled: enabled, width: width, now: time.Now, start: time.Now()}
}

// Update records a progress report and redraws the line when minRedraw has
// passed since the last redraw, when the phase changes, or when the work is
// complete.
func (b *progressBar) Update(p coevo.SweepProgress) {
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if p.Phase == coevo.PhaseTrain && b.t0.IsZero() {
		b.t0, b.d0 = now, p.Done
	}
	changed := p.Phase != b.last.Phase || p.Batch != b.last.Batch
	b.last = p
	if !changed && p.Done < p.Total && now.Sub(b.lastDraw) < minRedraw {
		return
	}
	b.lastDraw = now
	b.draw(b.line(now))
}

// line renders the current state.
func (b *progressBar) line(now time.Time) string {
	p := b.last
	elapsed := now.Sub(b.start)
	if p.Phase == coevo.PhasePretrain {
		return pretrainLine(p, elapsed)
	}
	rate := 0.0
	if dt := now.Sub(b.t0).Seconds(); dt > 0 {
		rate = float64(p.Done-b.d0) / dt
	}
	return trainLine(p, elapsed, rate)
}

// pretrainLine renders the pretraining status.
func pretrainLine(p coevo.SweepProgress, elapsed time.Duration) string {
	batch := ""
	if p.Batches > 1 {
		batch = fmt.Sprintf(" (batch %d/%d)", p.Batch, p.Batches)
	}
	return fmt.Sprintf("pretraining judges%s: step %d (at most %d)  %s elapsed", batch, p.Done, p.Total, fmtDuration(elapsed))
}

// trainLine renders the training bar: the share of run-steps done, the
// count, the rate in run-steps per second, the time elapsed and the time
// left at that rate.
func trainLine(p coevo.SweepProgress, elapsed time.Duration, rate float64) string {
	frac := 0.0
	if p.Total > 0 {
		frac = min(1, max(0, float64(p.Done)/float64(p.Total)))
	}
	filled := int(frac * barWidth)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
	left := "--:--"
	if rate > 0 {
		left = fmtDuration(time.Duration(float64(p.Total-p.Done) / rate * float64(time.Second)))
	}
	batch := ""
	if p.Batches > 1 {
		batch = fmt.Sprintf("  batch %d/%d", p.Batch, p.Batches)
	}
	return fmt.Sprintf("%s %3.0f%% %d/%d steps  %.0f steps/s  %s elapsed  %s left%s",
		bar, 100*frac, p.Done, p.Total, rate, fmtDuration(elapsed), left, batch)
}

// draw replaces the line on screen.
func (b *progressBar) draw(s string) {
	if n := utf8.RuneCountInString(s); n > b.width-1 {
		s = string([]rune(s)[:max(0, b.width-1)])
	}
	n := utf8.RuneCountInString(s)
	pad := ""
	if b.shown > n {
		pad = strings.Repeat(" ", b.shown-n)
	}
	fmt.Fprint(b.w, "\r"+s+pad)
	b.shown = n
}

// clear erases the line on screen.
func (b *progressBar) clear() {
	if b.shown > 0 {
		fmt.Fprint(b.w, "\r"+strings.Repeat(" ", b.shown)+"\r")
		b.shown = 0
	}
}

// Logf writes a line of text (a newline is added) above the bar, which is
// redrawn at the next Update.
func (b *progressBar) Logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
	fmt.Fprintf(b.w, format+"\n", args...)
	b.lastDraw = time.Time{}
}

// Finish erases the bar.
func (b *progressBar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
}

// fmtDuration renders a duration as m:ss, or h:mm:ss from an hour on.
func fmtDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
