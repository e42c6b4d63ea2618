package image

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Progress shows how far a long-running operation (snapshot, restore, gc,
// export, import) has got, as one line on a terminal that is rewritten in
// place: "snapshot: 1200 of 5000 records (24%)". The line appears only
// once a phase has run for a moment, and is cleared when it ends (the
// caller then prints its summary). A nil *Progress reports nothing, so
// callers need not check.
type Progress struct {
	w     io.Writer
	label string
	unit  string
	total int64
	n     int64
	start time.Time
	last  time.Time
	shown bool
	delay time.Duration // before the first line
	every time.Duration // between lines

	lines bool  // whole lines, one per tenth of the total (NewProgressLines)
	tenth int64 // the tenths already reported
}

// NewProgress returns a reporter writing to w, or nil (report nothing)
// unless w is a terminal: progress lines never reach files or pipes.
func NewProgress(w io.Writer) *Progress {
	if !isTerminal(w) {
		return nil
	}
	return newProgress(w)
}

// NewProgressLines returns a reporter that writes a whole line to w each
// time a phase gets through another tenth of its total (every 10,000
// units when the total is unknown), at once and whatever w is: for a file
// or a pipe that asked for progress (batos image check --progress).
func NewProgressLines(w io.Writer) *Progress {
	return &Progress{w: w, lines: true}
}

func newProgress(w io.Writer) *Progress {
	return &Progress{w: w, delay: 300 * time.Millisecond, every: 100 * time.Millisecond}
}

// isTerminal reports whether w is a character device other than /dev/null.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}

// Start begins a phase: label names it, total is the amount of work (0 if
// unknown) and unit what is counted ("records", "bytes").
func (p *Progress) Start(label string, total int64, unit string) {
	if p == nil {
		return
	}
	p.label, p.total, p.unit, p.n, p.tenth = label, total, unit, 0, 0
	p.start, p.shown = time.Now(), false
	p.show()
}

// Add records n more units of work done.
func (p *Progress) Add(n int64) {
	if p == nil {
		return
	}
	p.n += n
	p.show()
}

// Done ends the phase, clearing its line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	if p.shown && !p.lines {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	p.label, p.shown = "", false
}

// show rewrites the line, at most every p.every, and only once the phase
// has run for p.delay.
func (p *Progress) show() {
	if p.lines {
		p.showLine()
		return
	}
	now := time.Now()
	if now.Sub(p.start) < p.delay || p.shown && now.Sub(p.last) < p.every {
		return
	}
	p.last, p.shown = now, true
	line := fmt.Sprintf("%s: %d %s", p.label, p.n, p.unit)
	if p.total > 0 {
		line = fmt.Sprintf("%s: %d of %d %s (%d%%)", p.label, p.n, p.total, p.unit, p.n*100/p.total)
	}
	// \r returns to the start of the line, ESC [K clears the rest
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// showLine writes a line when the work done reaches another tenth of the
// total (or another 10,000 units).
func (p *Progress) showLine() {
	step := p.n / 10_000
	if p.total > 0 {
		step = p.n * 10 / p.total
	}
	if step <= p.tenth {
		return
	}
	p.tenth, p.shown = step, true
	if p.total > 0 {
		fmt.Fprintf(p.w, "%s: %d of %d %s (%d%%)\n", p.label, p.n, p.total, p.unit, p.n*100/p.total)
	} else {
		fmt.Fprintf(p.w, "%s: %d %s\n", p.label, p.n, p.unit)
	}
}

// progressWriter counts the bytes written through it.
type progressWriter struct {
	w io.Writer
	p *Progress
}

func (pw progressWriter) Write(b []byte) (int, error) {
	n, err := pw.w.Write(b)
	pw.p.Add(int64(n))
	return n, err
}
