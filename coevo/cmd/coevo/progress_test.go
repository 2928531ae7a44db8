package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/coevolab/coevolab/coevo"
)

// fakeClock is a settable clock for progress bars.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestBar(w *bytes.Buffer, width int) (*progressBar, *fakeClock) {
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	b := newProgressBar(w, true, width)
	b.now, b.start = c.now, c.t
	return b, c
}

func train(done, total int) coevo.SweepProgress {
	return coevo.SweepProgress{Phase: coevo.PhaseTrain, Done: done, Total: total, Batch: 1, Batches: 1}
}

func TestProgressBarRedrawRate(t *testing.T) {
	var w bytes.Buffer
	b, clock := newTestBar(&w, 200)
	draws := func() int { return strings.Count(w.String(), "\r") }
	b.Update(train(5, 1000)) // first report: drawn
	if draws() != 1 {
		t.Fatalf("first update: %d draws", draws())
	}
	for range 10 {
		clock.advance(10 * time.Millisecond)
		b.Update(train(10, 1000))
	}
	if draws() != 1 {
		t.Errorf("updates within %v redrew: %d draws", minRedraw, draws())
	}
	clock.advance(minRedraw)
	b.Update(train(500, 1000))
	if draws() != 2 {
		t.Errorf("an update after %v did not redraw: %d draws", minRedraw, draws())
	}
	clock.advance(time.Millisecond)
	b.Update(train(1000, 1000)) // the end is always drawn
	if draws() != 3 {
		t.Errorf("the final update was not drawn: %d draws", draws())
	}
	if got := w.String(); !strings.Contains(got, "100% 1000/1000 steps") {
		t.Errorf("final line %q", got)
	}
}

func TestProgressBarLine(t *testing.T) {
	var w bytes.Buffer
	b, clock := newTestBar(&w, 200)
	b.Update(coevo.SweepProgress{Phase: coevo.PhasePretrain, Done: 150, Total: 5000, Batch: 2, Batches: 5})
	if got := w.String(); !strings.Contains(got, "pretraining judges (batch 2/5): step 150 (at most 5000)") {
		t.Errorf("pretraining status %q", got)
	}
	b.Update(coevo.SweepProgress{Phase: coevo.PhaseTrain, Done: 1000, Total: 5000, Batch: 2, Batches: 5})
	clock.advance(10 * time.Second)
	b.Update(coevo.SweepProgress{Phase: coevo.PhaseTrain, Done: 2000, Total: 5000, Batch: 2, Batches: 5})
	line := w.String()[strings.LastIndex(w.String(), "\r")+1:]
	for _, want := range []string{" 40% 2000/5000 steps", "100 steps/s", "0:10 elapsed", "0:30 left", "batch 2/5", "████████░░░░"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	b.Logf("coevo: a message")
	if got := w.String(); !strings.Contains(got, "\r"+strings.Repeat(" ", len([]rune(line)))+"\rcoevo: a message\n") {
		t.Errorf("Logf did not clear the bar first: %q", got)
	}
	b.Finish()
}

func TestProgressBarNarrowAndDisabled(t *testing.T) {
	var w bytes.Buffer
	b, _ := newTestBar(&w, 40)
	b.Update(train(1, 100000))
	if n := len([]rune(strings.TrimPrefix(w.String(), "\r"))); n > 39 {
		t.Errorf("line of %d runes on a 40-column terminal", n)
	}
	w.Reset()
	off := newProgressBar(&w, false, 80)
	off.Update(train(1, 2))
	off.Finish()
	if w.Len() != 0 {
		t.Errorf("a disabled bar wrote %q", w.String())
	}
	off.Logf("plain %d", 1)
	if w.String() != "plain 1\n" {
		t.Errorf("a disabled bar's Logf wrote %q", w.String())
	}
}

func TestFmtDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0:00", 59 * time.Second: "0:59", 61 * time.Second: "1:01",
		time.Hour + 2*time.Minute + 3*time.Second: "1:02:03", -time.Second: "0:00",
	} {
		if got := fmtDuration(d); got != want {
			t.Errorf("fmtDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
