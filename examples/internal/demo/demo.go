// Package demo holds what the example programs share that is not about
// kuji itself: a simulated clock, the output directory, the key files a
// contractor and a ward would hold, progress lines and number formatting.
// The kuji calls stay in the examples, where they can be read.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Clock is a simulated clock the examples move through the weeks of an
// event (kuji.Options.Clock takes its Now). It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// PrepareDir returns the directory an example writes into: a new
// temporary directory named after pattern when dir is empty; otherwise dir,
// created (mode 0700) if it does not exist, and refused if it holds anything
// unless force is set, in which case the files and directories an earlier
// run left there (outputs, matched by filepath.Glob) are removed first.
func PrepareDir(dir string, force bool, pattern string, outputs ...string) (string, error) {
	if dir == "" {
		return os.MkdirTemp("", pattern)
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return dir, os.MkdirAll(dir, 0o700)
	case err != nil:
		return "", err
	case len(entries) > 0 && !force:
		return "", fmt.Errorf("%s is not empty (use -force to write into it anyway)", dir)
	}
	for _, o := range outputs {
		matches, err := filepath.Glob(filepath.Join(dir, o))
		if err != nil {
			return "", err
		}
		for _, m := range matches {
			if err := os.RemoveAll(m); err != nil {
				return "", err
			}
		}
	}
	return dir, nil
}

// WriteFile writes data to path (mode 0600), creating its directory (mode
// 0700) first.
func WriteFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// CreateFile creates path (mode 0600) for writing, creating its directory
// (mode 0700) first.
func CreateFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
}

// Progress prints a progress line to w every step items, for the long
// steps. It is safe for concurrent use.
type Progress struct {
	w     io.Writer
	label string
	total int
	step  int
	start time.Time

	mu   sync.Mutex
	done int
}

// NewProgress starts counting towards total items.
func NewProgress(w io.Writer, label string, total, step int) *Progress {
	return &Progress{w: w, label: label, total: total, step: max(step, 1), start: time.Now()}
}

// Add counts n more items done.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := p.done
	p.done += n
	if p.done/p.step == before/p.step {
		return
	}
	rate := float64(p.done) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "  … %s: %s / %s (%s/s)\n", p.label, N(p.done), N(p.total), N(int(rate)))
}

// N formats n with thousands separators: 10000 is "10,000".
func N[T ~int | ~int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// Pct formats part of whole as a percentage with one decimal.
func Pct[T ~int | ~int64](part, whole T) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(whole))
}

// Parallel calls fn(ctx, i) for i in [0, n) from workers goroutines and
// returns the first error (which cancels the ctx the others see).
func Parallel(ctx context.Context, workers, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
