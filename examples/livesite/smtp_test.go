package main

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/mail"
	"path/filepath"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/smtp"
	"github.com/kuji-go/kuji/examples/internal/demo"
)

// mailbox is an in-process SMTP server on 127.0.0.1 without STARTTLS (a
// relay on the same host) that keeps what it receives.
type mailbox struct {
	mu       sync.Mutex
	received []received
}

type received struct {
	from  string
	rcpts []string
	raw   []byte
}

func (mb *mailbox) all() []received {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]received(nil), mb.received...)
}

func startMailbox(t *testing.T) (*mailbox, string) {
	mb := &mailbox{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb, l.Addr().String()
}

type mailSession struct {
	mb    *mailbox
	from  string
	rcpts []string
}

func (s *mailSession) Mail(from string, _ *gosmtp.MailOptions) error { s.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}
func (s *mailSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *mailSession) Logout() error { return nil }

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.received = append(s.mb.received, received{from: s.from, rcpts: append([]string(nil), s.rcpts...), raw: b})
	return nil
}

// With -smtp the results go to the SMTP server instead of the outbox
// directory: one transaction and one recipient per message, from the
// configured sender.
func TestLiveSiteOverSMTP(t *testing.T) {
	t.Parallel()
	mb, addr := startMailbox(t)
	dir := filepath.Join(t.TempDir(), "out")
	var out bytes.Buffer
	cfg := config{dir: dir, n: 100, workers: 4, seed: 11, smtp: addr, smtpPlain: true, smtpRate: 1e6,
		smtpFrom: "kekka@livesite.example.jp"}
	require.NoError(t, run(context.Background(), cfg, &out))
	text := out.String()
	emails := fact(t, text, `(?m)^  result emails\s+([\d,]+)`)[0]
	promotions := fact(t, text, `(?m)^  promotion emails\s+([\d,]+)`)[0]
	require.Equal(t, 100-max(100/20, 5), emails, "every online applicant")

	got := mb.all()
	require.Len(t, got, emails+promotions)
	seen := map[string]bool{}
	for _, r := range got {
		require.Equal(t, "kekka@livesite.example.jp", r.from)
		require.Len(t, r.rcpts, 1, "one recipient per transaction")
		m, err := mail.ReadMessage(bytes.NewReader(r.raw))
		require.NoError(t, err)
		to, err := m.Header.AddressList("To")
		require.NoError(t, err)
		require.Len(t, to, 1)
		require.Equal(t, r.rcpts[0], to[0].Address)
		require.Empty(t, m.Header.Get("Cc"))
		id := m.Header.Get("Message-Id")
		require.False(t, seen[id], "a message sent twice")
		seen[id] = true
	}
	matches, err := filepath.Glob(filepath.Join(dir, "outbox", "*"))
	require.NoError(t, err)
	require.Empty(t, matches, "nothing went to the outbox directory")

}

// Without -smtp-plain a server that offers no STARTTLS is refused
// (addresses do not cross a network in the clear), and the refusal stops
// the dispatch at once instead of being retried for every message.
func TestSMTPWithoutTLSStops(t *testing.T) {
	t.Parallel()
	mb, addr := startMailbox(t)
	s := &site{cfg: config{smtp: addr, smtpFrom: "kekka@livesite.example.jp"}}
	n, done, err := s.notifier()
	require.NoError(t, err)
	defer done()
	var cause error
	c := counting{n, demo.NewProgress(io.Discard, "", 1, 1), func(err error) { cause = err }}
	err = c.Notify(context.Background(), smtp.Notification{Key: "livesite/LS-0000011/won", Kind: smtp.KindWon,
		Lang: smtp.LangJa, To: "someone@example.jp", Subject: "抽選結果", Body: "当選"})
	var se *smtp.SendError
	require.ErrorAs(t, err, &se)
	require.Equal(t, smtp.ReasonStartTLSUnavailable, se.Reason)
	require.ErrorContains(t, cause, "starttls-unavailable", "the run is stopped")
	require.Empty(t, mb.all())
}
