package smtp_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"log"
	"math/big"
	mrand "math/rand/v2"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/japanese"
)

// stage names where the test server can inject a fault.
type stage string

const (
	atSession stage = "session" // EHLO: refuse the session
	atMail    stage = "mail"
	atRcpt    stage = "rcpt"
	atData    stage = "data" // after the whole message was received and recorded
)

// fault is what the test server does at a stage.
type fault int

const (
	pass     fault = iota
	drop           // close the connection without a reply
	tempFail       // 451
	permFail       // 550, with the address in the text as real servers do
)

// received is one message as the server got it.
type received struct {
	from  string
	rcpts []string
	raw   []byte
}

// testServer is an in-process SMTP server on 127.0.0.1 that records what
// it receives, checks that every transaction names exactly one recipient,
// and injects faults.
type testServer struct {
	addr string

	mu       sync.Mutex
	byID     map[string][]received // Message-ID header → every copy received
	noID     int                   // messages without a Message-ID
	total    int                   // messages with a Message-ID
	withheld map[string]bool       // Message-IDs accepted and then cut off before the reply
	bad      []string              // one-recipient violations (no addresses in the text)
	sessions int
	decide   func(stage) fault
	onData   func(total int)
}

type serverConfig struct {
	tls    *tls.Config
	decide func(stage) fault // nil: no faults
}

func startServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	ts := &testServer{byID: map[string][]received{}, withheld: map[string]bool{}, decide: cfg.decide}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(ts.newSession))
	srv.Domain = "localhost"
	srv.TLSConfig = cfg.tls
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 1 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ts.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *testServer) hostPort(t testing.TB) (string, int) {
	host, port, err := net.SplitHostPort(ts.addr)
	require.NoError(t, err)
	p, err := net.LookupPort("tcp", port)
	require.NoError(t, err)
	return host, p
}

func (ts *testServer) fault(at stage) fault {
	if ts.decide == nil {
		return pass
	}
	return ts.decide(at)
}

func (ts *testServer) newSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	ts.mu.Lock()
	ts.sessions++
	ts.mu.Unlock()
	if ts.fault(atSession) != pass {
		return nil, &gosmtp.SMTPError{Code: 421, EnhancedCode: gosmtp.EnhancedCode{4, 3, 2}, Message: "not now"}
	}
	return &session{ts: ts, conn: c}, nil
}

// counts returns how many copies of each Message-ID were received.
func (ts *testServer) counts() map[string]int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := map[string]int{}
	for id, list := range ts.byID {
		out[id] = len(list)
	}
	return out
}

func (ts *testServer) only(t *testing.T, id string) received {
	t.Helper()
	ts.mu.Lock()
	defer ts.mu.Unlock()
	require.Len(t, ts.byID[id], 1, "copies of %s", id)
	return ts.byID[id][0]
}

type session struct {
	ts    *testServer
	conn  *gosmtp.Conn
	from  string
	rcpts []string
}

func (s *session) act(at stage) error {
	switch s.ts.fault(at) {
	case drop:
		s.conn.Conn().Close()
		return &gosmtp.SMTPError{Code: 421, Message: "gone"} // never reaches the client
	case tempFail:
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	case permFail:
		to := strings.Join(s.rcpts, ",")
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "<" + to + ">: no such user"}
	}
	return nil
}

func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	if err := s.act(atMail); err != nil {
		return err
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	if err := s.act(atRcpt); err != nil {
		s.rcpts = s.rcpts[:len(s.rcpts)-1]
		return err
	}
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	var bad []string
	if len(s.rcpts) != 1 {
		bad = append(bad, "envelope has several recipients")
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		bad = append(bad, "unparsable message")
	} else {
		to, err := m.Header.AddressList("To")
		if err != nil || len(to) != 1 || len(s.rcpts) != 1 || to[0].Address != s.rcpts[0] {
			bad = append(bad, "To is not exactly the envelope recipient")
		}
		for _, h := range []string{"Cc", "Bcc"} {
			if _, ok := m.Header[h]; ok {
				bad = append(bad, h+" present")
			}
		}
	}
	id := ""
	if m != nil {
		id = m.Header.Get("Message-Id")
	}
	s.ts.mu.Lock()
	s.ts.bad = append(s.ts.bad, bad...)
	if id == "" {
		s.ts.noID++
	} else {
		s.ts.byID[id] = append(s.ts.byID[id], received{from: s.from, rcpts: append([]string(nil), s.rcpts...), raw: raw})
	}
	s.ts.total++
	total := s.ts.total
	onData := s.ts.onData
	s.ts.mu.Unlock()
	if onData != nil {
		onData(total)
	}
	// The message is accepted from here on: a fault now is "after
	// accepting": the client never learns that it was.
	if s.ts.fault(atData) == drop {
		s.ts.mu.Lock()
		s.ts.withheld[id] = true
		s.ts.mu.Unlock()
		s.conn.Conn().Close()
	}
	return nil
}

func (s *session) Reset()        { s.from, s.rcpts = "", nil }
func (s *session) Logout() error { return nil }

// randomFaults injects faults with the given probability per stage, from a
// seeded generator.
func randomFaults(seed uint64, p map[stage]map[fault]float64) func(stage) fault {
	var mu sync.Mutex
	rng := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(at stage) fault {
		mu.Lock()
		x := rng.Float64()
		mu.Unlock()
		for _, f := range []fault{drop, tempFail, permFail} {
			if x < p[at][f] {
				return f
			}
			x -= p[at][f]
		}
		return pass
	}
}

// selfSigned returns a server TLS config for 127.0.0.1 and a client config
// that trusts it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kuji test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client
}

// decoded is a message read back with the standard library only (plus the
// ISO-2022-JP decoder, which the standard library lacks).
type decoded struct {
	header  mail.Header
	subject string
	body    string
	charset string
}

func decodeMessage(t *testing.T, raw []byte) decoded {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	require.NoError(t, err)
	dec := mime.WordDecoder{CharsetReader: charsetReader}
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "text/plain", mediaType)
	require.Equal(t, "base64", m.Header.Get("Content-Transfer-Encoding"))
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	require.NoError(t, err)
	r, err := charsetReader(params["charset"], bytes.NewReader(body))
	require.NoError(t, err)
	text, err := io.ReadAll(r)
	require.NoError(t, err)
	return decoded{header: m.Header, subject: subject, body: string(text), charset: strings.ToUpper(params["charset"])}
}

func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToUpper(charset) {
	case "UTF-8", "US-ASCII":
		return r, nil
	case "ISO-2022-JP":
		return japanese.ISO2022JP.NewDecoder().Reader(r), nil
	}
	return nil, io.ErrUnexpectedEOF
}
