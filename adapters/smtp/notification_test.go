package smtp_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/adapters/smtp"
)

func TestNotificationValidate(t *testing.T) {
	t.Parallel()
	ok := note("ev/app/won", "taro@example.com", "件名", "本文\n二行目\tタブ")
	require.NoError(t, ok.Validate())

	cases := []struct {
		name   string
		edit   func(*smtp.Notification)
		fields map[string]smtp.Reason
	}{
		{"no key", func(n *smtp.Notification) { n.Key = "" }, map[string]smtp.Reason{"Key": smtp.ReasonMissing}},
		{"unknown language", func(n *smtp.Notification) { n.Lang = "fr" }, map[string]smtp.Reason{"Lang": smtp.ReasonUnknownLanguage}},
		{"subject with a line break", func(n *smtp.Notification) { n.Subject = "件名\r\nBcc: x@example.com" },
			map[string]smtp.Reason{"Subject": smtp.ReasonControlCharacter}},
		{"empty body", func(n *smtp.Notification) { n.Body = " \n" }, map[string]smtp.Reason{"Body": smtp.ReasonMissing}},
		{"body with an escape", func(n *smtp.Notification) { n.Body = "\x1b[31m" }, map[string]smtp.Reason{"Body": smtp.ReasonControlCharacter}},
		{"everything at once", func(n *smtp.Notification) { *n = smtp.Notification{} }, map[string]smtp.Reason{
			"Key": smtp.ReasonMissing, "Lang": smtp.ReasonUnknownLanguage, "To": smtp.ReasonNoRecipient,
			"Subject": smtp.ReasonMissing, "Body": smtp.ReasonMissing,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n := ok
			tc.edit(&n)
			err := n.Validate()
			var fes smtp.FieldErrors
			require.True(t, errors.As(err, &fes))
			got := map[string]smtp.Reason{}
			for _, fe := range fes {
				got[fe.Field] = fe.Reason
				require.NotEmpty(t, fe.English())
				require.NotEmpty(t, fe.Japanese())
				require.Contains(t, fe.Error(), "kuji/smtp: "+fe.Code()+": ")
			}
			require.Equal(t, tc.fields, got)
			require.Equal(t, "invalid-notification", fes.Code())
		})
	}
}

// No fmt verb and no slog handler prints the address or the text.
func TestNotificationRedacts(t *testing.T) {
	t.Parallel()
	n := note("ev/app/won", "hanako.yamada@example.com", "山田花子様 当選", "山田花子様\n")
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{n, &n} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "hanako", verb)
			require.NotContains(t, out, "山田", verb)
			require.Contains(t, out, "ev/app/won", verb)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("sending", "notification", n)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("sending", "notification", n)
	require.NotContains(t, buf.String(), "hanako")
	require.NotContains(t, buf.String(), "山田")
	require.Contains(t, buf.String(), "redacted")
}

// A Message-ID depends on the key only, is a valid msg-id, and differs
// between keys.
func TestMessageID(t *testing.T) {
	t.Parallel()
	a := smtp.MessageID("ev/app-1/won", "ward.example.jp")
	require.Equal(t, a, smtp.MessageID("ev/app-1/won", "ward.example.jp"))
	require.NotEqual(t, a, smtp.MessageID("ev/app-1/lost", "ward.example.jp"))
	require.NotEqual(t, a, smtp.MessageID("ev/app-2/won", "ward.example.jp"))
	// RFC 5322 msg-id with dot-atom-text on both sides.
	require.Regexp(t, regexp.MustCompile(`^<[A-Za-z0-9.]+@ward\.example\.jp>$`), a)
	require.Regexp(t, `^<[A-Za-z0-9.]+@x>$`, smtp.MessageID("key with spaces <and> @ signs", "x"))
}

// Neither the options nor a Sender print the SMTP password.
func TestOptionsRedactPassword(t *testing.T) {
	t.Parallel()
	o := smtp.Options{From: officeFrom, Host: "smtp.example.jp", Username: "office", Password: "hunter2-secret"}
	s, err := smtp.Open(&o)
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{o, &o, s} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "hunter2", verb)
		}
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("smtp", "options", o)
	require.NotContains(t, buf.String(), "hunter2")
	require.Contains(t, buf.String(), "smtp.example.jp")
}
