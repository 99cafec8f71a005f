package csvio

import "unicode/utf8"

// formulaTrigger reports the characters that make a spreadsheet read a
// cell as a formula when the cell starts with them: = + - @ and tab, CR
// and LF (OWASP's list, LF added), their full-width forms ＝ ＋ － ＠
// (Japanese Excel accepts formulas typed in full width) and their small
// forms ﹦ ﹢ ﹣ ﹫ (NFKC folds them the same way).
func formulaTrigger(r rune) bool {
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n',
		'＝', '＋', '－', '＠',
		'﹦', '﹢', '﹣', '﹫':
		return true
	}
	return false
}

// leadingSpace reports the spaces a spreadsheet may skip before it looks
// for a formula: the ASCII space, the ideographic space U+3000 and the
// no-break space U+00A0.
func leadingSpace(r rune) bool {
	return r == ' ' || r == '\u3000' || r == '\u00a0'
}

// needsGuard reports whether cell s, written as is, could be evaluated as
// a formula: it matches ^'*S*T, apostrophes, then spaces (S), then a
// trigger (T). Cells already starting with apostrophes are included so
// that guarding is reversible: [unguard] removes exactly the apostrophe
// guard added.
func needsGuard(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !leadingSpace(r) {
			return formulaTrigger(r)
		}
		i += n
	}
	return false
}

// guard returns s neutralised against formula injection: prefixed with an
// apostrophe when [needsGuard] says so, unchanged otherwise.
func guard(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// unguard undoes [guard]: it removes the leading apostrophe of a cell
// whose remainder [needsGuard] accepts (the pattern ^'+S*T). A cell guard
// left alone never has that form, so unguard(guard(s)) == s for every s.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}
