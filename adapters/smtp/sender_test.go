package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/smtp"
)

const officeFrom = "noreply@ward.example.jp"

func openSender(t *testing.T, ts *testServer, mutate func(*smtp.Options)) *smtp.Sender {
	t.Helper()
	host, port := ts.hostPort(t)
	o := &smtp.Options{
		From: officeFrom, FromName: "新宿区 シティウォーク事務局",
		Host: host, Port: port, AllowPlaintext: true, Timeout: 5 * time.Second,
	}
	if mutate != nil {
		mutate(o)
	}
	s, err := smtp.Open(o)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func note(key, to, subject, body string) smtp.Notification {
	return smtp.Notification{Key: key, Kind: smtp.KindWon, Lang: smtp.LangJa, To: to, Subject: subject, Body: body}
}

// Japanese text survives the round trip through the server, decoded with
// mime and net/mail, in both charsets; text ISO-2022-JP cannot carry goes
// as UTF-8 rather than being altered.
func TestSenderJapaneseRoundTrip(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := selfSigned(t)
	long := strings.Repeat("しんじゅくシティウォーク", 6) + " 抽選結果のお知らせ（当選）受付番号 R-000123"
	cases := []struct {
		name        string
		charset     smtp.Charset
		subject     string
		body        string
		wantCharset string
		// JIS 1-33 is 〜 in the JIS standard and ～ in Windows; the decoder
		// (WHATWG mapping) returns the latter.
		waveDash bool
	}{
		{"utf8", smtp.CharsetUTF8, "【しんじゅくシティウォーク】抽選結果のお知らせ", "当選しました。\n受付番号：R-000123\n", "UTF-8", false},
		{"iso2022jp", smtp.CharsetISO2022JP, "【しんじゅくシティウォーク】抽選結果のお知らせ", "当選しました。\n受付番号：R-000123\n8月1日（日）18:00～21:00\n", "ISO-2022-JP", false},
		{"iso2022jp long subject", smtp.CharsetISO2022JP, long, "本文\n", "ISO-2022-JP", false},
		{"utf8 long subject", smtp.CharsetUTF8, long, "本文\n", "UTF-8", false},
		{"iso2022jp falls back for 𠮷", smtp.CharsetISO2022JP, "𠮷野家の前に集合", "𠮷\n", "UTF-8", false},
		{"iso2022jp falls back for half-width kana", smtp.CharsetISO2022JP, "ｼﾃｨｳｫｰｸ", "ｶﾅ\n", "UTF-8", false},
		{"iso2022jp writes the JIS wave dash", smtp.CharsetISO2022JP, "8月1日〜3日", "18:00〜21:00\n", "ISO-2022-JP", true},
		{"iso2022jp falls back for NEC row 13", smtp.CharsetISO2022JP, "①番ゲート", "㈱\n", "UTF-8", false},
		{"iso2022jp falls back for IBM extensions", smtp.CharsetISO2022JP, "髙島屋前", "髙\n", "UTF-8", false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, serverConfig{tls: serverTLS})
			s := openSender(t, ts, func(o *smtp.Options) {
				o.Charset, o.AllowPlaintext, o.TLSConfig = tc.charset, false, clientTLS
			})
			key := fmt.Sprintf("ev-1/app-%d/won", i)
			to := fmt.Sprintf("applicant-%d@example.com", i)
			require.NoError(t, s.Notify(t.Context(), note(key, to, tc.subject, tc.body)))

			got := ts.only(t, smtp.MessageID(key, "ward.example.jp"))
			require.Equal(t, []string{to}, got.rcpts)
			require.Equal(t, officeFrom, got.from)
			d := decodeMessage(t, got.raw)
			require.Equal(t, tc.wantCharset, d.charset)
			wantSubject, wantBody := tc.subject, tc.body
			if tc.waveDash {
				wantSubject, wantBody = strings.ReplaceAll(wantSubject, "〜", "～"), strings.ReplaceAll(wantBody, "〜", "～")
			}
			require.Equal(t, wantSubject, d.subject)
			require.Equal(t, wantBody, strings.ReplaceAll(d.body, "\r\n", "\n"))
			from, err := d.header.AddressList("From")
			require.NoError(t, err)
			require.Equal(t, "新宿区 シティウォーク事務局", from[0].Name)
			require.Equal(t, "ja", d.header.Get("Content-Language"))
			require.Equal(t, "auto-generated", d.header.Get("Auto-Submitted"))
			// RFC 5322: header lines should stay within 78 characters.
			head, _, _ := strings.Cut(string(got.raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				require.LessOrEqual(t, len(line), 78, line)
			}
			// RFC 2047: an encoded-word is at most 75 characters.
			for _, w := range regexp.MustCompile(`=\?[^?]+\?[BbQq]\?[^?]*\?=`).FindAllString(string(got.raw), -1) {
				require.LessOrEqual(t, len(w), 75, w)
			}
			if tc.wantCharset == "ISO-2022-JP" {
				require.NotContains(t, string(got.raw), "\x1b(I", "half-width katakana escape is not RFC 1468")
			}
		})
	}
}

// Without an explicit AllowPlaintext, a server that offers no STARTTLS gets
// no message; with a certificate that does not verify, neither.
func TestSenderRequiresTLS(t *testing.T) {
	t.Parallel()
	serverTLS, _ := selfSigned(t)
	cases := []struct {
		name   string
		tls    bool
		reason smtp.Reason
	}{
		{"no STARTTLS", false, smtp.ReasonStartTLSUnavailable},
		{"untrusted certificate", true, smtp.ReasonTLS},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := serverConfig{}
			if tc.tls {
				cfg.tls = serverTLS
			}
			ts := startServer(t, cfg)
			s := openSender(t, ts, func(o *smtp.Options) { o.AllowPlaintext = false })
			err := s.Notify(t.Context(), note("k1", "a@example.com", "件名", "本文"))
			var se *smtp.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.reason, se.Reason)
			require.Equal(t, smtp.Temporary, se.Class())
			require.Empty(t, ts.counts())
		})
	}
}

// Each failure is classified by where it happened; the error never repeats
// the address, even when the server's reply does.
func TestSenderClassifiesFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		at        stage
		fault     fault
		reason    smtp.Reason
		class     smtp.Class
		code      int
		enhanced  string
		delivered bool
	}{
		{"session refused", atSession, tempFail, smtp.ReasonConnect, smtp.Temporary, 421, "4.3.2", false},
		{"MAIL deferred", atMail, tempFail, smtp.ReasonDeferred, smtp.Temporary, 451, "4.3.0", false},
		{"RCPT deferred", atRcpt, tempFail, smtp.ReasonDeferred, smtp.Temporary, 451, "4.3.0", false},
		{"RCPT refused", atRcpt, permFail, smtp.ReasonRejected, smtp.Permanent, 550, "5.1.1", false},
		{"dropped at MAIL", atMail, drop, smtp.ReasonConnectionLost, smtp.Temporary, 0, "", false},
		{"dropped at RCPT", atRcpt, drop, smtp.ReasonConnectionLost, smtp.Temporary, 0, "", false},
		{"dropped after accepting", atData, drop, smtp.ReasonAmbiguous, smtp.Ambiguous, 0, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, serverConfig{decide: func(at stage) fault {
				if at == tc.at {
					return tc.fault
				}
				return pass
			}})
			s := openSender(t, ts, nil)
			const to = "person.one@example.com"
			err := s.Notify(t.Context(), note("ev/app/won", to, "件名", "本文"))
			var se *smtp.SendError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.reason, se.Reason)
			require.Equal(t, tc.class, se.Class())
			require.Equal(t, tc.class, smtp.ClassOf(err))
			require.Equal(t, tc.code, se.ReplyCode)
			require.Equal(t, tc.enhanced, se.EnhancedCode)
			require.Equal(t, "ev/app/won", se.Key)
			for _, text := range []string{err.Error(), se.English(), se.Japanese(), fmt.Sprintf("%+v", err)} {
				require.NotContains(t, text, "person.one")
				require.NotContains(t, text, "example.com")
			}
			require.Equal(t, tc.delivered, len(ts.counts()) == 1)
		})
	}
}

// Messages share one connection; a connection the server closed while it
// was idle is replaced without failing the next message.
func TestSenderReusesConnection(t *testing.T) {
	t.Parallel()
	dropNextMail := make(chan struct{}, 1)
	ts := startServer(t, serverConfig{decide: func(at stage) fault {
		if at == atMail {
			select {
			case <-dropNextMail:
				return drop
			default:
			}
		}
		return pass
	}})
	s := openSender(t, ts, nil)
	for i := range 20 {
		if i == 10 {
			dropNextMail <- struct{}{}
		}
		require.NoError(t, s.Notify(t.Context(), note(fmt.Sprintf("k%d", i), fmt.Sprintf("p%d@example.com", i), "件名", "本文")))
	}
	require.Len(t, ts.counts(), 20)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	require.Equal(t, 2, ts.sessions, "one connection, replaced once")
}

// A notification with no, several, or a malformed recipient is refused
// before anything is sent, without echoing the address.
func TestSenderRefusesRecipients(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverConfig{})
	s := openSender(t, ts, nil)
	cases := []struct {
		name   string
		to     string
		reason smtp.Reason
	}{
		{"empty", "", smtp.ReasonNoRecipient},
		{"blank", "  ", smtp.ReasonNoRecipient},
		{"comma list", "alpha@example.com, bravo@example.com", smtp.ReasonSeveralRecipients},
		{"semicolon list", "alpha@example.com; bravo@example.com", smtp.ReasonSeveralRecipients},
		{"space list", "alpha@example.com bravo@example.com", smtp.ReasonSeveralRecipients},
		{"Japanese comma list", "alpha@example.com、bravo@example.com", smtp.ReasonSeveralRecipients},
		{"group", "applicants: alpha@example.com, bravo@example.com;", smtp.ReasonSeveralRecipients},
		{"empty group", "undisclosed-recipients:;", smtp.ReasonNoRecipient},
		{"display name", "Alpha Person <alpha@example.com>", smtp.ReasonInvalidAddress},
		{"header injection", "alpha@example.com\r\nBcc: bravo@example.com", smtp.ReasonSeveralRecipients},
		{"not an address", "alpha.example.com", smtp.ReasonInvalidAddress},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Notify(t.Context(), note("ev/app/won", tc.to, "件名", "本文"))
			var fe *smtp.FieldError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, "To", fe.Field)
			require.Equal(t, tc.reason, fe.Reason)
			for _, text := range []string{err.Error(), fe.English(), fe.Japanese()} {
				require.NotContains(t, text, "alpha")
				require.NotContains(t, text, "bravo")
			}
		})
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	require.Zero(t, ts.sessions, "nothing was sent")
}

func TestSenderCanceledAndClosed(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverConfig{})
	s := openSender(t, ts, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Notify(ctx, note("k", "a@example.com", "件名", "本文"))
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, smtp.Temporary, smtp.ClassOf(err))

	require.NoError(t, s.Notify(t.Context(), note("k", "a@example.com", "件名", "本文")))
	require.NoError(t, s.Close())
	err = s.Notify(t.Context(), note("k2", "a@example.com", "件名", "本文"))
	require.ErrorIs(t, err, smtp.ErrClosed)
	require.Len(t, ts.counts(), 1)
}

func TestOpenRefusesOptions(t *testing.T) {
	t.Parallel()
	_, err := smtp.Open(&smtp.Options{From: "Office <office@example.com>", Charset: "Shift_JIS"})
	var fes smtp.FieldErrors
	require.True(t, errors.As(err, &fes))
	fields := map[string]smtp.Reason{}
	for _, fe := range fes {
		fields[fe.Field] = fe.Reason
	}
	require.Equal(t, map[string]smtp.Reason{
		"Options.From":    smtp.ReasonInvalidAddress,
		"Options.Charset": smtp.ReasonUnknownCharset,
		"Options.Host":    smtp.ReasonMissing,
	}, fields)
}
