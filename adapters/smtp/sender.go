package smtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gosmtp "github.com/wneessen/go-mail/smtp"
)

// Sender is a [Notifier] that sends each notification as one message to one
// recipient through an SMTP submission server, over one connection that it
// keeps and reuses from message to message. Notify calls are serialised;
// use several Senders for parallel connections. Close it when done.
type Sender struct {
	lh      letterhead
	addr    string
	host    string
	helo    string
	user    string
	pass    string
	plain   bool
	tls     *tls.Config
	timeout time.Duration

	mu     sync.Mutex
	closed bool
	conn   net.Conn
	client *gosmtp.Client
}

var _ Notifier = (*Sender)(nil)

// Format implements [fmt.Formatter] so that no verb prints the password.
func (s *Sender) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "smtp.Sender{Addr:%q From:%q}", s.addr, s.lh.from.Address)
}

// Open returns a Sender. It does not connect: the first Notify does.
// Errors are [FieldErrors] naming the refused option (Options.From, …).
func Open(opts *Options) (*Sender, error) {
	if opts == nil {
		opts = &Options{}
	}
	lh, err := opts.letterhead()
	var errs FieldErrors
	if err != nil {
		errs = err.(FieldErrors)
	}
	if opts.Host == "" {
		errs = append(errs, &FieldError{Field: "Options.Host", Reason: ReasonMissing})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	s := &Sender{
		lh: lh, host: opts.Host, helo: opts.HELO, user: opts.Username, pass: opts.Password,
		plain: opts.AllowPlaintext, timeout: opts.Timeout,
	}
	port := opts.Port
	if port == 0 {
		port = defaultPort
	}
	s.addr = net.JoinHostPort(opts.Host, strconv.Itoa(port))
	if s.helo == "" {
		s.helo = "localhost"
	}
	if s.timeout <= 0 {
		s.timeout = defaultTimeout
	}
	if opts.TLSConfig != nil {
		s.tls = opts.TLSConfig.Clone()
	} else {
		s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = opts.Host
	}
	return s, nil
}

// stage is how far a connection or transaction got when it failed.
type stage int

const (
	stageConnect stage = iota // dial, greeting, EHLO
	stageTLS
	stageAuth
	stageMail // MAIL FROM
	stageRcpt
	stageData    // the DATA command
	stageContent // writing the message, before its end
	stageEnd     // the end of data was sent; waiting for the reply
)

// Notify sends n. A [*SendError] says what went wrong and whether the
// message may be retried ([SendError.Class]); an invalid notification is
// refused with [FieldErrors] before anything is sent.
//
// A connection that was kept from an earlier message and turns out to be
// dead when the next transaction starts (the server closed it while idle)
// is replaced once, transparently: nothing of the message had been sent.
func (s *Sender) Notify(ctx context.Context, n Notification) error {
	if err := n.Validate(); err != nil {
		return err
	}
	to, _ := parseRecipient(n.To)
	var data bytes.Buffer
	if _, err := s.lh.message(n, to, time.Now().In(jst)).WriteTo(&data); err != nil {
		return &SendError{Key: n.Key, Reason: ReasonWriteFailed}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return &SendError{Key: n.Key, Reason: ReasonNotifierClosed, cause: ErrClosed}
	}
	for try := 0; ; try++ {
		reused := s.client != nil
		if !reused {
			if st, err := s.connect(ctx); err != nil {
				return classify(ctx, n.Key, st, err)
			}
		}
		st, err := s.transact(ctx, to, data.Bytes())
		if err == nil {
			return nil
		}
		se := classify(ctx, n.Key, st, err)
		if reused && try == 0 && st == stageMail && ctx.Err() == nil &&
			(se.Reason == ReasonConnectionLost || se.ReplyCode == 421) {
			continue // a stale connection: s.transact dropped it
		}
		return se
	}
}

// connect dials, greets, upgrades to TLS and authenticates.
func (s *Sender) connect(ctx context.Context) (stage, error) {
	dctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", s.addr)
	if err != nil {
		return stageConnect, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	st, c, err := s.handshake(conn)
	if err != nil {
		conn.Close()
		return st, err
	}
	s.conn, s.client = conn, c
	return 0, nil
}

func (s *Sender) handshake(conn net.Conn) (stage, *gosmtp.Client, error) {
	if err := conn.SetDeadline(time.Now().Add(s.timeout)); err != nil {
		return stageConnect, nil, err
	}
	c, err := gosmtp.NewClient(conn, s.host)
	if err != nil {
		return stageConnect, nil, err
	}
	if err := c.Hello(s.helo); err != nil {
		return stageConnect, nil, err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(s.tls); err != nil {
			return stageTLS, nil, err
		}
	} else if !s.plain {
		return stageTLS, nil, errNoStartTLS
	}
	if s.user == "" {
		return 0, c, nil
	}
	_, offered := c.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(offered))
	has := func(m string) bool {
		for _, x := range mechs {
			if x == m {
				return true
			}
		}
		return false
	}
	var auth gosmtp.Auth
	switch {
	case has("SCRAM-SHA-256"):
		auth = gosmtp.ScramSHA256Auth(s.user, s.pass)
	case has("PLAIN"):
		auth = gosmtp.PlainAuth("", s.user, s.pass, s.host, s.plain)
	case has("LOGIN"):
		auth = gosmtp.LoginAuth(s.user, s.pass, s.host, s.plain)
	default:
		return stageAuth, nil, errNoAuthMechanism
	}
	if err := c.Auth(auth); err != nil {
		return stageAuth, nil, err
	}
	return 0, c, nil
}

var (
	errNoStartTLS      = errors.New("no STARTTLS")
	errNoAuthMechanism = errors.New("no usable AUTH mechanism")
)

// transact runs one mail transaction with exactly one RCPT on the kept
// connection. On failure it leaves the connection ready for the next
// message (after RSET) or drops it.
func (s *Sender) transact(ctx context.Context, to string, data []byte) (st stage, err error) {
	c, conn := s.client, s.conn
	// Cancelling the context closes the connection, which unblocks any read
	// or write in progress; the stage then says what the server may have.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer func() {
		if !stop() || !keepAfter(st, err) {
			s.drop()
		}
	}()
	if err := conn.SetDeadline(time.Now().Add(s.timeout)); err != nil {
		return stageMail, err
	}
	c.SkipSMTPUTF8(isASCII(s.lh.from.Address) && isASCII(to))
	if err := c.Mail(s.lh.from.Address); err != nil {
		return stageMail, s.reset(err)
	}
	if err := c.Rcpt(to); err != nil {
		return stageRcpt, s.reset(err)
	}
	if err := data354(c.Text); err != nil {
		return stageData, s.reset(err)
	}
	// go-mail's DATA writer ignores a failure to send the end of data and
	// then reads the reply, which turns "the end never left" (certainly not
	// accepted) into "no reply" (maybe accepted). Write it here instead.
	w := c.Text.DotWriter()
	if _, err := w.Write(data); err != nil {
		return stageContent, err
	}
	if err := w.Close(); err != nil {
		return stageContent, err
	}
	if _, _, err := c.Text.ReadResponse(250); err != nil {
		return stageEnd, err
	}
	return stageEnd, nil
}

// data354 sends DATA and expects 354.
func data354(t *textproto.Conn) error {
	id, err := t.Cmd("DATA")
	if err != nil {
		return err
	}
	t.StartResponse(id)
	defer t.EndResponse(id)
	_, _, err = t.ReadResponse(354)
	return err
}

// keepAfter reports whether the connection is still usable after a
// transaction that ended at st with err.
func keepAfter(st stage, err error) bool {
	if err == nil {
		return true
	}
	var tpe *textproto.Error
	if !errors.As(err, &tpe) || tpe.Code == 421 || errors.Is(err, errResetFailed) {
		return false
	}
	return st != stageContent
}

// reset aborts the transaction after a refused command, so the connection
// can carry the next message; if RSET fails the connection is dropped by
// transact (the returned error is still the command's).
func (s *Sender) reset(err error) error {
	var tpe *textproto.Error
	if errors.As(err, &tpe) && tpe.Code != 421 {
		if rerr := s.client.Reset(); rerr != nil {
			return errors.Join(err, errResetFailed)
		}
	}
	return err
}

var errResetFailed = errors.New("RSET failed")

// drop closes the kept connection without QUIT.
func (s *Sender) drop() {
	if s.conn != nil {
		s.conn.Close()
	}
	s.conn, s.client = nil, nil
}

// Close ends the kept connection (QUIT) and makes later Notify calls fail
// with [ErrClosed].
func (s *Sender) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.client == nil {
		return nil
	}
	_ = s.conn.SetDeadline(time.Now().Add(s.timeout))
	err := s.client.Quit()
	s.drop()
	if err != nil {
		return errors.New("kuji/smtp: QUIT failed")
	}
	return nil
}

var enhancedRE = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// classify turns the error of a stage into a SendError. Only reply codes
// are kept: the server's text may repeat the recipient's address.
func classify(ctx context.Context, key string, st stage, err error) *SendError {
	se := &SendError{Key: key}
	se.cause = ctx.Err()
	var tpe *textproto.Error
	if errors.As(err, &tpe) {
		se.ReplyCode = tpe.Code
		se.EnhancedCode = enhancedRE.FindString(tpe.Msg)
		switch {
		case st == stageConnect:
			se.Reason = ReasonConnect
		case st == stageTLS:
			se.Reason = ReasonTLS
		case st == stageAuth:
			se.Reason = ReasonAuth
		case tpe.Code >= 500 && tpe.Code < 600:
			se.Reason = ReasonRejected
		case tpe.Code >= 400 && tpe.Code < 500:
			se.Reason = ReasonDeferred
		case st == stageEnd:
			// Neither success nor failure: the server may have queued it.
			se.Reason = ReasonAmbiguous
		default:
			se.Reason = ReasonDeferred
		}
		return se
	}
	switch {
	case st == stageEnd:
		se.Reason = ReasonAmbiguous
	case se.cause != nil:
		se.Reason = ReasonCanceled
	case errors.Is(err, errNoStartTLS):
		se.Reason = ReasonStartTLSUnavailable
	case st == stageConnect:
		se.Reason = ReasonConnect
	case st == stageTLS:
		se.Reason = ReasonTLS
	case st == stageAuth:
		se.Reason = ReasonAuth
	default:
		se.Reason = ReasonConnectionLost
	}
	return se
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
