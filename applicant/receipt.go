package applicant

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ReceiptNumber is a human receipt number (受付番号), e.g. "LS-0000174":
// the event's prefix, the zero-padded sequence number the store handed out,
// and a check digit. It is a pseudonym and may appear in logs and errors.
type ReceiptNumber string

// ReceiptFormat formats and parses an event's receipt numbers. The store
// allocates sequence numbers; this type only turns them into receipt numbers
// and back.
//
// The check digit is Damm's (H. M. Damm, 2004): it catches every single
// mistyped digit and every swap of two adjacent digits, the two mistakes a
// reception desk makes when a number is read out or copied.
type ReceiptFormat struct {
	// Prefix is 1-4 capital letters naming the event ("LS").
	Prefix string `json:"prefix"`
	// Digits is the width of the sequence number (4-12); 0 means 6.
	Digits int `json:"digits,omitempty"`
}

var receiptPrefixPattern = regexp.MustCompile(`^[A-Z]{1,4}$`)

func (f ReceiptFormat) digits() int {
	if f.Digits == 0 {
		return 6
	}
	return f.Digits
}

func (f ReceiptFormat) check() *Error {
	if !receiptPrefixPattern.MatchString(f.Prefix) || f.digits() < 4 || f.digits() > 12 {
		return schemaErr(ReasonSchemaReceipt, "receipts")
	}
	return nil
}

func receiptErr(r Reason) *Error {
	return &Error{Reason: r, labelJA: "受付番号", labelEN: "receipt number"}
}

// Format returns the receipt number of sequence number seq (1 or more, at
// most Digits digits).
func (f ReceiptFormat) Format(seq int64) (ReceiptNumber, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	d := strconv.FormatInt(seq, 10)
	if seq < 1 || len(d) > f.digits() {
		return "", receiptErr(ReasonReceiptRange)
	}
	d = strings.Repeat("0", f.digits()-len(d)) + d
	return ReceiptNumber(f.Prefix + "-" + d + string(rune('0'+damm(d)))), nil
}

// Parse reads a receipt number as typed at the desk or on a form (full-width
// characters, lower case, any dash-like character or none, spaces, the
// prefix left out) and returns it in canonical form with its sequence
// number. A wrong check digit is [ReasonReceiptCheckDigit].
func (f ReceiptFormat) Parse(s string) (ReceiptNumber, int64, error) {
	if err := f.check(); err != nil {
		return "", 0, err
	}
	s = strings.ToUpper(norm.NFKC.String(s))
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u3000' || isDash(r) {
			return -1
		}
		return r
	}, s)
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	prefix, digits := s[:i], s[i:]
	if prefix != "" && prefix != f.Prefix {
		return "", 0, receiptErr(ReasonReceiptPrefix)
	}
	if len(digits) != f.digits()+1 {
		return "", 0, receiptErr(ReasonReceiptFormat)
	}
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			return "", 0, receiptErr(ReasonReceiptFormat)
		}
	}
	body := digits[:len(digits)-1]
	if int(digits[len(digits)-1]-'0') != damm(body) {
		return "", 0, receiptErr(ReasonReceiptCheckDigit)
	}
	seq, _ := strconv.ParseInt(body, 10, 64)
	if seq < 1 {
		return "", 0, receiptErr(ReasonReceiptRange)
	}
	return ReceiptNumber(f.Prefix + "-" + digits), seq, nil
}

// dammTable is the quasigroup of order 10 from Damm's thesis (row: interim
// digit, column: next digit).
const dammTable = "0317598642" +
	"7092154863" +
	"4206871359" +
	"1750983426" +
	"6123045978" +
	"3674209581" +
	"5869720134" +
	"8945362017" +
	"9438617205" +
	"2581436790"

// damm returns the Damm check digit of a string of decimal digits.
func damm(digits string) int {
	interim := 0
	for i := 0; i < len(digits); i++ {
		interim = int(dammTable[interim*10+int(digits[i]-'0')] - '0')
	}
	return interim
}
