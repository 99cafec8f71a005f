package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/kuji-go/kuji"
	"github.com/kuji-go/kuji/adapters/csvio"
	"github.com/kuji-go/kuji/applicant"
	"github.com/kuji-go/kuji/examples/internal/demo"
	"github.com/kuji-go/kuji/internal/refevent"
)

// intake is step 2: two weeks of applications. Most arrive through the web
// form from many clients at once; the postcards are typed into a CSV file
// and imported in one batch. Some people apply twice, written differently,
// and some forms are wrong: kuji must refuse both. Some people are listed
// in two groups: kuji lists those for review, and reception settles them.
func (s *site) intake(ctx context.Context) error {
	s.clock.Set(tOpen)
	s.step("2. Registration: web applications and postcards")
	if err := s.o.Open(ctx, boss); err != nil {
		return err
	}
	nPostcards := max(s.cfg.n/20, 5)
	sample, err := s.webIntake(ctx, s.cfg.n-nPostcards)
	if err != nil {
		return err
	}
	if err := s.postcardIntake(ctx, nPostcards, sample); err != nil {
		return err
	}
	return s.review(ctx)
}

type submission struct {
	form applicant.Form
	lang language.Tag
	at   time.Time
}

// webIntake submits n valid web applications from several clients at once,
// with a disguised second application of every 50th person, a broken form
// every 100 applications, and every 500th representative also listed as a
// companion in another group. It returns a sample of the valid forms.
func (s *site) webIntake(ctx context.Context, n int) ([]applicant.Form, error) {
	var subs []submission
	var sample []applicant.Form
	for i := range n {
		f := s.people.Form(maxGroup)
		lang := language.Japanese
		if i%8 == 7 {
			lang = language.English // read the notice in English: gets English mail
		}
		subs = append(subs, submission{form: f, lang: lang})
		if i%50 == 25 {
			subs = append(subs, submission{form: refevent.Disguise(f), lang: language.Japanese})
		}
		if i%100 == 75 {
			bad, _ := s.people.Broken(i / 100)
			subs = append(subs, submission{form: bad, lang: language.Japanese})
		}
		if i%500 == 50 {
			// The same person in another family's group. A companion gives
			// no phone number, so only the name-and-age rule notices, and
			// two different people may share a name and an age: the Office
			// accepts the group and lists it for review.
			g := s.people.Form(maxGroup - 1)
			p := f.Representative
			g.Companions = append(g.Companions, applicant.CompanionForm{Name: p.Name, Age: p.Age})
			subs = append(subs, submission{form: g, lang: language.Japanese})
		}
		if i%100 == 10 {
			sample = append(sample, f)
		}
	}
	window := tClose.Sub(tOpen) - time.Hour
	for i := range subs {
		subs[i].at = tOpen.Add(window * time.Duration(i) / time.Duration(len(subs)))
	}

	// Concurrent clients: SQLite commits them in groups (one log sync for
	// many applications), so throughput grows with concurrency.
	progress := demo.NewProgress(s.cfg.progress, "web applications", len(subs), 1000)
	start := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan submission)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range s.cfg.workers {
		wg.Go(func() {
			for sub := range work {
				_, err := s.o.Apply(ctx, sub.form, sub.lang)
				mu.Lock()
				err = s.t.classify(err, false)
				mu.Unlock()
				if err != nil {
					cancel(err)
				}
				progress.Add(1)
			}
		})
	}
feed:
	for _, sub := range subs {
		s.clock.Set(sub.at) // the clock moves through the two weeks
		select {
		case work <- sub:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	s.timed("web intake (Office.Apply into SQLite)", s.t.web, start)
	took := time.Since(start)
	s.printf("web: %s stored, %s refused as the same person, %s refused as invalid",
		demo.N(s.t.web), demo.N(s.t.dupWeb), demo.N(len(subs)-s.t.web-s.t.dupWeb))
	s.printf("     %d concurrent clients, %.1f s, %s applications/s", s.cfg.workers, took.Seconds(),
		demo.N(int(float64(len(subs))/took.Seconds())))
	return sample, nil
}

// postcardIntake types n postcards into a CSV file — with some broken
// rows and some people who also applied online — and imports it.
func (s *site) postcardIntake(ctx context.Context, n int, web []applicant.Form) error {
	var rows []applicant.Form
	bad, dup := max(1, n/40), max(1, n/100)
	for i := range n {
		f := s.people.Form(maxGroup)
		f.Representative.Email = "" // postcards carry no email address
		rows = append(rows, f)
		if i%(n/bad) == n/bad/2 {
			b, _ := s.people.Broken(i)
			b.Representative.Email = ""
			rows = append(rows, b)
		}
		if i%(n/dup) == n/dup/3 && len(web) > 0 {
			d := refevent.Disguise(web[i%len(web)])
			d.Representative.Email = ""
			rows = append(rows, d)
		}
	}
	path := s.path("postcards.csv")
	if err := writePostcards(path, rows); err != nil {
		return err
	}
	defer os.Remove(path) // it holds personal data in the clear

	// First pass: store the valid rows.
	_, res, err := s.importPostcards(ctx, path, &csvio.ImportOptions{AcceptValid: true})
	if res == nil {
		return err
	}
	aside := map[int]bool{} // file rows the typist sets aside
	for _, e := range res.Rejected {
		if aside[e.Row] {
			continue
		}
		aside[e.Row] = true
		var ae *applicant.Error
		if errors.As(e, &ae) {
			s.t.reject(ae)
		} else {
			s.t.rejected[e.Code()]++
			s.t.rejectedText[e.Code()] = e.English()
		}
	}
	s.printf("postcards: %s rows typed into postcards.csv; rows failing validation: %s",
		demo.N(len(rows)), demo.N(len(aside)))
	if errors.Is(err, kuji.ErrDuplicate) {
		// A person in the batch already holds a chance: the batch is
		// refused whole, naming the rows. Set them aside too and import
		// the clean file, all or nothing.
		for _, pe := range postcardErrors(err) {
			aside[res.Accepted[pe.Index].Row] = true
			s.t.dupPostcard++
		}
		s.printf("  the batch is refused whole, naming the rows of people who already applied online: %d", s.t.dupPostcard)
		var clean []applicant.Form
		for i, r := range rows {
			if !aside[i+2] { // the header is row 1
				clean = append(clean, r)
			}
		}
		if err := writePostcards(path, clean); err != nil {
			return err
		}
		_, _, err = s.importPostcards(ctx, path, nil)
		if err != nil {
			return fmt.Errorf("importing the clean postcard file: %w", err)
		}
		s.printf("  the typist sets those rows aside (%d in all); the clean file imports whole", len(aside))
	} else if err != nil {
		return err
	}
	s.printf("  %s postcard applications stored; postcards.csv deleted (it held personal data in the clear)",
		demo.N(s.t.postcard))
	s.printf("total: %s applications stored (%s web, %s postcard)", demo.N(s.t.web+s.t.postcard), demo.N(s.t.web), demo.N(s.t.postcard))
	return nil
}

// review settles the possible duplicates before the draw: groups of
// applications that share a person's name and age. Reception checks each
// group (here it is always the same person) and disqualifies the later
// applications, which erases them.
func (s *site) review(ctx context.Context) error {
	groups, err := s.o.PossibleDuplicates(ctx, reception)
	if err != nil {
		return err
	}
	for _, g := range groups {
		for _, receipt := range g[1:] {
			if err := s.o.Disqualify(ctx, reception, receipt); err != nil {
				return err
			}
			s.t.disqualified++
		}
	}
	s.printf("review: %d groups of applications share a person's name and age; reception checks them", len(groups))
	s.printf("  and disqualifies %d later applications (erased at once)", s.t.disqualified)
	return nil
}

// importPostcards imports the file at path as the reception handler and
// counts the stored applications.
func (s *site) importPostcards(ctx context.Context, path string, opts *csvio.ImportOptions) ([]*kuji.Receipt, *csvio.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	receipts, res, err := s.o.ImportPostcards(ctx, reception, f, opts)
	for _, r := range receipts {
		s.postcards[string(r.Number)] = true
		s.t.postcard++
	}
	return receipts, res, err
}

// postcardErrors lists the postcards an import refused, wherever they are
// in the error's tree.
func postcardErrors(err error) []*kuji.PostcardError {
	switch e := err.(type) {
	case *kuji.PostcardError:
		return []*kuji.PostcardError{e}
	case interface{ Unwrap() []error }:
		var out []*kuji.PostcardError
		for _, x := range e.Unwrap() {
			out = append(out, postcardErrors(x)...)
		}
		return out
	}
	if u := errors.Unwrap(err); u != nil {
		return postcardErrors(u)
	}
	return nil
}

// writePostcards writes postcard applications as a typist would type them
// into a spreadsheet: Japanese headings, one row per postcard, UTF-8.
func writePostcards(path string, rows []applicant.Form) error {
	f, err := demo.CreateFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := csvio.NewWriter(f, nil)
	if err != nil {
		return err
	}
	header := []string{"氏名", "住所", "郵便番号", "年齢", "電話番号", "第1希望", "第2希望", "第3希望"}
	for i := 1; i <= 5; i++ {
		header = append(header, fmt.Sprintf("同行者%d氏名", i), fmt.Sprintf("同行者%d年齢", i), fmt.Sprintf("同行者%d乳幼児", i))
	}
	if err := w.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		p := r.Representative
		cells := []string{p.Name, p.Address, p.PostalCode, p.Age, p.Phone}
		for i := range 3 {
			cells = append(cells, pick(r.Preferences, i))
		}
		for i := range 5 {
			c := pick(r.Companions, i)
			cells = append(cells, c.Name, c.Age, c.Infant)
		}
		if err := w.Write(cells); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// pick returns s[i], or the zero value past the end.
func pick[T any](s []T, i int) T {
	var zero T
	if i < len(s) {
		return s[i]
	}
	return zero
}
