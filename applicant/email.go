package applicant

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// parseEmail validates an email address and returns its display form
// (width-folded, domain in lower case) and its key (all lower case).
//
// It accepts what Japanese mobile carriers issued before 2009 and still
// deliver to, which net/mail (RFC 5322 dot-atom) rejects: dots anywhere in
// the local part, several in a row or right before the @
// ("taro.@docomo.ne.jp", "ta..ro@ezweb.ne.jp"). It refuses quoted local
// parts, comments, display names, IP-literal domains and domains without a
// dot: an applicant's mailbox never needs them, and each is a way to smuggle
// text into a mail header.
//
// Rules: one @; local part 1-64 characters of RFC 5322 atext or "."; not
// only dots; domain 1-253 characters of dot-separated labels of letters,
// digits and hyphens, each 1-63 long, not starting or ending with a hyphen,
// at least two labels, the last alphabetic (or an xn-- IDN label); 254
// characters at most in all.
func parseEmail(s string) (disp, key string, r Reason) {
	s = strings.TrimSpace(norm.NFKC.String(s))
	if s == "" {
		return "", "", ReasonRequired
	}
	if len(s) > 254 {
		return "", "", ReasonTooLong
	}
	at := strings.IndexByte(s, '@')
	if at < 0 || strings.IndexByte(s[at+1:], '@') >= 0 {
		return "", "", ReasonEmail
	}
	local, domain := s[:at], strings.ToLower(s[at+1:])
	if len(local) == 0 || len(local) > 64 || strings.Trim(local, ".") == "" {
		return "", "", ReasonEmail
	}
	for i := 0; i < len(local); i++ {
		if !atext(local[i]) && local[i] != '.' {
			return "", "", ReasonEmail
		}
	}
	if !emailDomain(domain) {
		return "", "", ReasonEmail
	}
	disp = local + "@" + domain
	return disp, strings.ToLower(disp), ""
}

// atext reports RFC 5322 atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
func atext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func emailDomain(d string) bool {
	if len(d) == 0 || len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return len(tld) >= 2
}
