package smtp

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"time"
)

// Options configures a [Sender] ([Open]) or a [Dir] ([OpenDir]). The
// message fields apply to both; the connection fields only to a Sender.
type Options struct {
	// From is the sender's bare address (the office's, often a no-reply
	// address); it is both the envelope sender and the From header.
	// Required.
	From string
	// FromName is the display name of From, e.g. "新宿区 シティウォーク事務局".
	FromName string
	// Charset is CharsetUTF8 (the default) or CharsetISO2022JP.
	Charset Charset
	// MessageIDDomain is the right-hand side of every Message-ID; by
	// default the domain of From.
	MessageIDDomain string

	// Host is the mail server (submission service). Required for a Sender.
	Host string
	// Port is the submission port; 587 by default. Implicit TLS (port 465)
	// is not supported: the connection is upgraded with STARTTLS.
	Port int
	// Username and Password authenticate, when Username is set, with
	// SCRAM-SHA-256, PLAIN or LOGIN, the first the server offers. PLAIN and
	// LOGIN are only used over TLS unless AllowPlaintext is set.
	Username string
	Password string
	// TLSConfig verifies the server; by default the system roots and
	// ServerName = Host, TLS 1.2 at least.
	TLSConfig *tls.Config
	// AllowPlaintext lets the Sender talk to a server that offers no
	// STARTTLS (an in-process test server, a relay on the same host).
	// Without it such a server is refused with ReasonStartTLSUnavailable:
	// addresses and results must not cross a network in the clear. When the
	// server does offer STARTTLS it is used either way.
	AllowPlaintext bool
	// HELO is the name the Sender greets with; "localhost" by default.
	HELO string
	// Timeout bounds connecting (greeting, STARTTLS, authentication
	// included) and each message's transaction; 30 seconds by default.
	Timeout time.Duration
}

const (
	defaultPort    = 587
	defaultTimeout = 30 * time.Second
)

// Format implements [fmt.Formatter] so that no verb prints the password.
func (o Options) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "smtp.Options{From:%q Charset:%q Host:%q Port:%d Username:%q Password:%s AllowPlaintext:%t Timeout:%s}",
		o.From, o.Charset, o.Host, o.Port, o.Username, redacted(o.Password), o.AllowPlaintext, o.Timeout)
}

// LogValue implements [slog.LogValuer]: the password is redacted.
func (o Options) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("from", o.From), slog.String("host", o.Host), slog.Int("port", o.Port),
		slog.String("username", o.Username), slog.String("password", redacted(o.Password)),
		slog.Bool("allow_plaintext", o.AllowPlaintext),
	)
}
