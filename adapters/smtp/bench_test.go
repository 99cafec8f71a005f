package smtp_test

import (
	"fmt"
	"testing"

	"github.com/kuji-go/kuji/adapters/smtp"
)

// Rendering one Japanese win from the built-in templates.
func BenchmarkRender(b *testing.B) {
	c := content(smtp.KindWon)
	for b.Loop() {
		if _, _, err := smtp.Render(smtp.LangJa, c); err != nil {
			b.Fatal(err)
		}
	}
}

// Sending one message over a kept loopback connection to the in-process
// server (which parses and checks it): the per-message cost of the SMTP
// path, MAIL, RCPT, DATA and the message.
func BenchmarkSenderNotify(b *testing.B) {
	for _, cs := range []smtp.Charset{smtp.CharsetUTF8, smtp.CharsetISO2022JP} {
		b.Run(string(cs), func(b *testing.B) {
			ts := startServer(b, serverConfig{})
			host, port := ts.hostPort(b)
			s, err := smtp.Open(&smtp.Options{From: officeFrom, Host: host, Port: port, AllowPlaintext: true, Charset: cs})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			subject, body, err := smtp.Render(smtp.LangJa, content(smtp.KindWon))
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				n := note(fmt.Sprintf("ev/%d/won", i), fmt.Sprintf("p%d@example.com", i), subject, body)
				if err := s.Notify(b.Context(), n); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
