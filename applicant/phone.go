package applicant

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// parsePhone validates a Japanese phone number and returns its display form
// (digits grouped as the person grouped them, joined by "-") and its key
// (the national number as bare digits, e.g. "0312345678").
//
// Accepted: full-width digits; any dash-like character (ー, －, ‐, −, ...),
// spaces, full stops or parentheses between groups ("03(1234)5678"); a
// leading "+81" or "+81 (0)" instead of the trunk 0. The number classes
// accepted are the ones a person is reached on:
//
//	landline          0 + 9 digits, second digit 1-9 (not a class below)
//	mobile            070, 080, 090 + 8 digits
//	IP phone          050 + 8 digits
//	toll free         0120 + 6 digits, 0800 + 7 digits
//
// Refused with [ReasonPhonePrefix]: numbers without the trunk 0, 020
// (pagers, M2M), 060, 0570 (navi dial), 0180, 0990 (premium rate) and 00
// (international access).
func parsePhone(s string) (disp, key string, r Reason) {
	s = norm.NFKC.String(s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", ReasonRequired
	}
	var groups []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			groups = append(groups, cur.String())
			cur.Reset()
		}
	}
	intl := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			cur.WriteRune(c)
		case c == '+' && i == 0:
			intl = true
		case isDash(c) || c == ' ' || c == '.' || c == '(' || c == ')':
			flush()
		default:
			return "", "", ReasonPhoneFormat
		}
	}
	flush()
	if len(groups) == 0 {
		return "", "", ReasonPhoneFormat
	}
	if intl {
		if !strings.HasPrefix(groups[0], "81") {
			return "", "", ReasonPhonePrefix
		}
		groups[0] = groups[0][2:]
		if groups[0] == "" {
			groups = groups[1:]
		}
		if len(groups) == 0 {
			return "", "", ReasonPhoneFormat
		}
		if groups[0] == "0" && len(groups) > 1 {
			// "+81 (0)3 ..." spells the trunk 0 the international way.
			groups = groups[1:]
		}
		if !strings.HasPrefix(groups[0], "0") {
			groups[0] = "0" + groups[0]
		}
	}
	key = strings.Join(groups, "")
	if r := phoneClass(key); r != "" {
		return "", "", r
	}
	return strings.Join(groups, "-"), key, ""
}

// phoneClass checks the digits of a national number against the number
// classes kuji accepts.
func phoneClass(d string) Reason {
	if len(d) > 15 {
		return ReasonPhoneLength
	}
	if len(d) < 2 || d[0] != '0' || d[1] == '0' {
		return ReasonPhonePrefix
	}
	want := 10
	switch {
	case strings.HasPrefix(d, "020"), strings.HasPrefix(d, "060"),
		strings.HasPrefix(d, "0570"), strings.HasPrefix(d, "0180"), strings.HasPrefix(d, "0990"):
		return ReasonPhonePrefix
	case strings.HasPrefix(d, "070"), strings.HasPrefix(d, "080"), strings.HasPrefix(d, "090"),
		strings.HasPrefix(d, "050"), strings.HasPrefix(d, "0800"):
		want = 11
	case strings.HasPrefix(d, "0120"):
		want = 10
	}
	if len(d) != want {
		return ReasonPhoneLength
	}
	return ""
}

// parsePostalCode validates a seven-digit postal code written with or
// without 〒, full-width digits, or any dash-like character or space between
// the third and fourth digit. It returns the display form "160-8484" and the
// key "1608484".
func parsePostalCode(s string) (disp, key string, r Reason) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	s = strings.TrimSpace(strings.TrimPrefix(s, "〒"))
	if s == "" {
		return "", "", ReasonRequired
	}
	var digits strings.Builder
	dashes := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits.WriteRune(c)
		case (isDash(c) || c == ' ') && digits.Len() == 3:
			// Only between the third and fourth digit: "160-8484",
			// "160 8484", "160 - 8484", but one dash at most.
			if isDash(c) {
				dashes++
			}
			if dashes > 1 {
				return "", "", ReasonPostalCode
			}
		default:
			return "", "", ReasonPostalCode
		}
	}
	key = digits.String()
	if len(key) != 7 {
		return "", "", ReasonPostalCode
	}
	return key[:3] + "-" + key[3:], key, ""
}
