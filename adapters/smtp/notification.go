package smtp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"unicode"
)

// Kind is the kind of a result message. The values are those the core
// writes in the outbox (adapters.Message.Kind).
type Kind string

// The kinds of result messages that have templates.
const (
	KindWon        Kind = "won"        // 当選
	KindLost       Kind = "lost"       // 落選
	KindWaitlisted Kind = "waitlisted" // 補欠（キャンセル待ち）
	KindPromoted   Kind = "promoted"   // 繰り上げ当選
	KindDeadline   Kind = "deadline"   // 参加確認の期限のお知らせ
)

// Kinds lists every kind that has a template, in a fixed order.
func Kinds() []Kind {
	return []Kind{KindWon, KindLost, KindWaitlisted, KindPromoted, KindDeadline}
}

// Lang is the language of a message.
type Lang string

// The languages of the built-in templates.
const (
	LangJa Lang = "ja"
	LangEn Lang = "en"
)

// Notification is one rendered message to one person. It holds an e-mail
// address, which is personal data: it prints and logs redacted.
type Notification struct {
	// Key is the outbox key of the message. It names the .eml file and
	// derives the Message-ID ([MessageID]), so a message sent twice carries
	// the same Message-ID and the receiver can drop the copy.
	Key string
	// Kind is the kind of message (for logs; the text is already rendered).
	Kind Kind
	// Lang is the language of Subject and Body; it becomes the
	// Content-Language header.
	Lang Lang
	// To is exactly one bare address (user@domain). Several addresses, an
	// address list in one string, or a display name are refused.
	To string
	// Subject is one line.
	Subject string
	// Body is plain text; line breaks are "\n".
	Body string
}

// Notifier sends one notification. Implementations return a [*SendError]
// whose [SendError.Class] says whether the message may be retried, was
// refused for good, or may have been delivered; see [ClassOf].
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// Validate checks the notification and returns [FieldErrors] listing every
// refused field, or nil. The errors never repeat the address.
func (n Notification) Validate() error {
	var errs FieldErrors
	add := func(field string, r Reason) {
		errs = append(errs, &FieldError{Key: n.Key, Field: field, Reason: r})
	}
	switch {
	case n.Key == "":
		add("Key", ReasonMissing)
	case hasControl(n.Key, false):
		add("Key", ReasonControlCharacter)
	}
	if hasControl(string(n.Kind), false) {
		add("Kind", ReasonControlCharacter)
	}
	if n.Lang != LangJa && n.Lang != LangEn {
		add("Lang", ReasonUnknownLanguage)
	}
	if _, r := parseRecipient(n.To); r != "" {
		add("To", r)
	}
	switch {
	case strings.TrimSpace(n.Subject) == "":
		add("Subject", ReasonMissing)
	case hasControl(n.Subject, false):
		add("Subject", ReasonControlCharacter)
	}
	switch {
	case strings.TrimSpace(n.Body) == "":
		add("Body", ReasonMissing)
	case hasControl(n.Body, true):
		add("Body", ReasonControlCharacter)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// parseRecipient returns the bare address of s, or the reason it is
// refused.
func parseRecipient(s string) (string, Reason) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", ReasonNoRecipient
	}
	if list, err := mail.ParseAddressList(t); err == nil && len(list) != 1 {
		if len(list) == 0 {
			return "", ReasonNoRecipient // an empty group, "undisclosed:;"
		}
		return "", ReasonSeveralRecipients
	}
	a, err := mail.ParseAddress(t)
	if err != nil {
		// "a@x; b@y" and "a@x b@y" are not address lists to net/mail, but
		// they are several addresses to a person: say so.
		if n := countAddresses(t); n > 1 {
			return "", ReasonSeveralRecipients
		}
		return "", ReasonInvalidAddress
	}
	if a.Name != "" || hasControl(t, false) || strings.ContainsFunc(a.Address, unicode.IsSpace) {
		return "", ReasonInvalidAddress
	}
	return a.Address, ""
}

// countAddresses counts the fields of s, split at separators people use,
// that parse as an address on their own.
func countAddresses(s string) int {
	n := 0
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '、' || r == '，' || unicode.IsSpace(r)
	}) {
		if _, err := mail.ParseAddress(f); err == nil {
			n++
		}
	}
	return n
}

// hasControl reports whether s holds a control character; newlines and
// tabs are allowed when multiline.
func hasControl(s string, multiline bool) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		if multiline && (r == '\n' || r == '\t') {
			return false
		}
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}

// MessageID returns the Message-ID header value (with angle brackets) of
// the message with the outbox key, in the domain: the same key always gives
// the same ID, so a receiver can recognise a second copy. The key is hashed:
// it may hold characters a Message-ID cannot.
func MessageID(key, domain string) string {
	return "<" + messageIDLocal(key) + "@" + domain + ">"
}

func messageIDLocal(key string) string {
	sum := sha256.Sum256([]byte("kuji/smtp message-id\x00" + key))
	return "kuji." + hex.EncodeToString(sum[:20])
}

// LogValue implements [slog.LogValuer]: the address is redacted.
func (n Notification) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("key", n.Key),
		slog.String("kind", string(n.Kind)),
		slog.String("lang", string(n.Lang)),
		slog.String("to", redacted(n.To)),
	)
}

// Format implements [fmt.Formatter] so that every verb (%v %+v %#v %s %q)
// prints the notification without its address or text.
func (n Notification) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "smtp.Notification{Key:%q Kind:%q Lang:%q To:%s Subject:(%d bytes) Body:(%d bytes)}",
		n.Key, n.Kind, n.Lang, redacted(n.To), len(n.Subject), len(n.Body))
}

// String returns the same text as Format.
func (n Notification) String() string { return fmt.Sprint(n) }

func redacted(s string) string {
	if s == "" {
		return "(none)"
	}
	return "(redacted)"
}
