package smtp

import (
	"encoding/base64"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/text/encoding/japanese"
)

// Charset is the character set of a message's subject and body.
type Charset string

// The character sets a message can be written in.
const (
	// CharsetUTF8 is the default: every character survives.
	CharsetUTF8 Charset = "UTF-8"
	// CharsetISO2022JP is the traditional charset of Japanese mail (RFC
	// 1468: ASCII and JIS X 0208), still preferred by some older phones
	// and mail systems. A message holding any character outside it
	// (half-width katakana, 𠮷, ①, emoji, …) is sent in UTF-8 instead, so
	// no character is ever replaced. The From display name is always
	// encoded in UTF-8 (net/mail), which every reader decodes.
	CharsetISO2022JP Charset = "ISO-2022-JP"
)

// letterhead is what every message of one notifier shares.
type letterhead struct {
	from    mail.Address
	domain  string // of the Message-ID
	charset Charset
}

func (o *Options) letterhead() (letterhead, error) {
	var errs FieldErrors
	add := func(field string, r Reason) { errs = append(errs, &FieldError{Field: "Options." + field, Reason: r}) }
	from, r := parseRecipient(o.From)
	if r == ReasonNoRecipient {
		r = ReasonMissing
	}
	if r != "" {
		add("From", r)
	}
	if hasControl(o.FromName, false) {
		add("FromName", ReasonControlCharacter)
	}
	cs := o.Charset
	switch cs {
	case "":
		cs = CharsetUTF8
	case CharsetUTF8, CharsetISO2022JP:
	default:
		add("Charset", ReasonUnknownCharset)
	}
	domain := o.MessageIDDomain
	if domain == "" && from != "" {
		domain = from[strings.LastIndexByte(from, '@')+1:]
	}
	if hasControl(domain, false) || strings.ContainsAny(domain, "<>@ \t") {
		add("MessageIDDomain", ReasonInvalidAddress)
	}
	if len(errs) > 0 {
		return letterhead{}, errs
	}
	return letterhead{from: mail.Address{Name: o.FromName, Address: from}, domain: domain, charset: cs}, nil
}

// message builds the go-mail message of n to the bare address to. The body
// is base64 in both charsets: go-mail v0.8.1 cannot write a raw 7bit part
// (its "7bit" encoding writes quoted-printable), and base64 survives every
// relay whatever the line lengths.
func (l letterhead) message(n Notification, to string, date time.Time) *gomail.Msg {
	subject, body := n.Subject, crlf(n.Body)
	cs := l.charset
	if cs == CharsetISO2022JP {
		jbody, okBody := toISO2022JP(body)
		words, okSubject := encodeWordsISO2022JP(subject)
		if okBody && okSubject {
			body, subject = jbody, strings.Join(words, "\r\n ")
		} else {
			cs = CharsetUTF8
		}
	}
	m := gomail.NewMsg(gomail.WithCharset(gomail.Charset(cs)), gomail.WithEncoding(gomail.EncodingB64), gomail.WithNoDefaultUserAgent())
	m.FromMailAddress(&l.from)
	m.ToMailAddress(&mail.Address{Address: to})
	if cs == CharsetISO2022JP {
		m.SetGenHeaderPreformatted(gomail.HeaderSubject, subject)
	} else {
		m.Subject(subject) // go-mail B-encodes it in UTF-8, split at rune boundaries
	}
	m.SetMessageIDWithValue(messageIDLocal(n.Key) + "@" + l.domain)
	m.SetDateWithValue(date)
	m.SetGenHeader(gomail.HeaderContentLang, string(n.Lang))
	// RFC 3834: no vacation replies to an automatic message.
	m.SetGenHeader("Auto-Submitted", "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, body)
	return m
}

// crlf turns the body's line breaks into CRLF, the canonical form of text
// before base64 (RFC 2045).
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// toISO2022JP returns s in ISO-2022-JP if every character of s is in RFC
// 1468's repertoire (ASCII and JIS X 0208) and survives the round trip.
func toISO2022JP(s string) (string, bool) {
	// x/text would write half-width katakana with ESC ( I, which RFC 1468
	// does not allow and many readers garble.
	if strings.ContainsFunc(s, func(r rune) bool { return r >= 0xFF61 && r <= 0xFF9F }) {
		return "", false
	}
	s = jisToWindows.Replace(s)
	b, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil || !inJISX0208(b) {
		return "", false
	}
	if back, err := japanese.ISO2022JP.NewDecoder().String(b); err != nil || back != s {
		return "", false
	}
	return b, true
}

// jisToWindows maps the characters of JIS X 0208 whose standard Unicode
// mapping differs from Windows' (the WHATWG mapping x/text implements) to
// the Windows side, so that e.g. 〜 (U+301C, JIS 1-33), which Japanese
// text uses in every time range, is written as 1-33 instead of sending the
// whole message in UTF-8. A reader decodes 1-33 as 〜 or ～ depending on its
// platform: the same JIS character.
var jisToWindows = strings.NewReplacer(
	"\u301C", "\uFF5E", // 〜 WAVE DASH → FULLWIDTH TILDE (1-33)
	"\u2016", "\u2225", // ‖ DOUBLE VERTICAL LINE → PARALLEL TO (1-34)
	"\u2212", "\uFF0D", // − MINUS SIGN → FULLWIDTH HYPHEN-MINUS (1-61)
	"\u00A2", "\uFFE0", // ¢ (1-81)
	"\u00A3", "\uFFE1", // £ (1-82)
	"\u00AC", "\uFFE2", // ¬ (2-44)
	"\u2014", "\u2015", // — EM DASH → HORIZONTAL BAR (1-29)
)

// inJISX0208 reports whether the ISO-2022-JP bytes b use only ASCII and the
// rows of JIS X 0208 (1–8 and 16–84): the WHATWG encoder also writes NEC's
// row 13 (①, ㈱, …) and IBM extensions, which RFC 1468 readers need not know.
func inJISX0208(b string) bool {
	jis := false
	for i := 0; i < len(b); {
		switch {
		case strings.HasPrefix(b[i:], "\x1b$B"):
			jis, i = true, i+3
		case strings.HasPrefix(b[i:], "\x1b(B"):
			jis, i = false, i+3
		case b[i] == 0x1b:
			return false
		case jis:
			if row := b[i]; i+1 >= len(b) || !(row >= 0x21 && row <= 0x28 || row >= 0x30 && row <= 0x74) {
				return false
			}
			i += 2
		default:
			i++
		}
	}
	return true
}

// maxWordBytes is the most ISO-2022-JP bytes one encoded-word carries:
// "=?ISO-2022-JP?B?" + base64 + "?=" must stay within 75 characters
// (RFC 2047), which leaves 56 base64 characters. The first word shares its
// line with "Subject: ", and lines should stay within 78 characters (RFC
// 5322), which leaves it 48 base64 characters.
const (
	maxWordBytes      = 42
	maxFirstWordBytes = 36
)

// encodeWordsISO2022JP encodes a one-line header value as RFC 2047
// encoded-words in ISO-2022-JP. Each word is encoded on its own and so
// starts and ends in ASCII mode, as RFC 1468 requires; words never split a
// character or an escape sequence (mime.WordEncoder would, for any charset
// but UTF-8).
func encodeWordsISO2022JP(s string) ([]string, bool) {
	if _, ok := toISO2022JP(s); !ok {
		return nil, false
	}
	var words []string
	runes := []rune(s)
	for len(runes) > 0 {
		limit := maxWordBytes
		if len(words) == 0 {
			limit = maxFirstWordBytes
		}
		n, chunk := 0, ""
		for n < len(runes) {
			b, _ := toISO2022JP(string(runes[:n+1]))
			if len(b) > limit && n > 0 {
				break
			}
			n, chunk = n+1, b
		}
		words = append(words, "=?ISO-2022-JP?B?"+base64.StdEncoding.EncodeToString([]byte(chunk))+"?=")
		runes = runes[n:]
	}
	return words, true
}
