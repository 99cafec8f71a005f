package applicant

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestDammCheckDigit(t *testing.T) {
	t.Parallel()
	// The worked example of the Damm algorithm: 572 has check digit 4.
	require.Equal(t, 4, damm("572"))
	// Appending the check digit makes the interim digit 0: the property
	// the algorithm is built on.
	for _, s := range []string{"0", "9", "572", "000017", "123456789012"} {
		require.Equal(t, 0, damm(s+string(rune('0'+damm(s)))), s)
	}
}

func TestReceiptFormat(t *testing.T) {
	t.Parallel()
	f := ReceiptFormat{Prefix: "LS", Digits: 6}
	r, err := f.Format(17)
	require.NoError(t, err)
	// damm("000017") = damm("17"): table[0][1] = 3, table[3][7] = 4.
	require.Equal(t, ReceiptNumber("LS-0000174"), r)

	for _, in := range []string{"LS-0000174", "ls0000174", "ＬＳ－００００１７４", "0000174", "LS 000017 4", "LSー0000174"} {
		got, seq, err := f.Parse(in)
		require.NoError(t, err, in)
		require.Equal(t, r, got, in)
		require.Equal(t, int64(17), seq, in)
	}
	for in, want := range map[string]Reason{
		"LS-0000175": ReasonReceiptCheckDigit,
		"LS-0000714": ReasonReceiptCheckDigit,
		"CW-0000174": ReasonReceiptPrefix,
		"LS-000174":  ReasonReceiptFormat,
		"LS-00001X4": ReasonReceiptFormat,
		"LS-0000000": ReasonReceiptRange,
		"":           ReasonReceiptFormat,
	} {
		_, _, err := f.Parse(in)
		var e *Error
		require.ErrorAs(t, err, &e, in)
		require.Equal(t, want, e.Reason, in)
	}
	for _, seq := range []int64{0, -1, 1_000_000} {
		_, err := f.Format(seq)
		require.Error(t, err, seq)
	}
	_, err = ReceiptFormat{Prefix: "L1"}.Format(1)
	require.ErrorIs(t, err, ErrInvalidSchema)
	r, err = ReceiptFormat{Prefix: "CW"}.Format(999999)
	require.NoError(t, err)
	require.Len(t, string(r), len("CW-")+6+1, "6 digits by default")
}

// TestReceiptCatchesTypos checks the guarantee the desk relies on: every
// single mistyped digit and every swap of two different adjacent digits is
// refused, for the first 3,000 receipt numbers.
func TestReceiptCatchesTypos(t *testing.T) {
	t.Parallel()
	f := ReceiptFormat{Prefix: "LS", Digits: 6}
	for seq := int64(1); seq <= 3000; seq++ {
		r, err := f.Format(seq)
		require.NoError(t, err)
		digits := []byte(string(r)[3:])
		for i := range digits {
			for d := byte('0'); d <= '9'; d++ {
				if d == digits[i] {
					continue
				}
				typo := bytes.Clone(digits)
				typo[i] = d
				_, _, err := f.Parse(string(typo))
				require.Error(t, err, "%s with digit %d mistyped", r, i)
			}
			if i+1 < len(digits) && digits[i] != digits[i+1] {
				swap := bytes.Clone(digits)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				_, _, err := f.Parse(string(swap))
				require.Error(t, err, "%s with digits %d and %d swapped", r, i, i+1)
			}
		}
	}
}

func TestNewID(t *testing.T) {
	t.Parallel()
	at := time.Date(2021, 6, 1, 9, 30, 0, 123e6, time.UTC)
	id, err := NewID(at, bytes.NewReader(bytes.Repeat([]byte{0xff}, 10)))
	require.NoError(t, err)
	require.Equal(t, uuid.Version(7), id.Version())
	require.Equal(t, uuid.RFC4122, id.Variant())
	ms := int64(0)
	for _, b := range id[:6] {
		ms = ms<<8 | int64(b)
	}
	require.Equal(t, at.UnixMilli(), ms, "the first 48 bits are the Unix time in milliseconds")
	require.Equal(t, "ffff", id.String()[len(id.String())-4:])

	later, err := NewID(at.Add(time.Millisecond), bytes.NewReader(make([]byte, 10)))
	require.NoError(t, err)
	require.Less(t, id.String(), later.String(), "IDs sort by time")

	_, err = NewID(at, bytes.NewReader(nil))
	require.Error(t, err)
	_, err = NewID(time.Unix(-1, 0), bytes.NewReader(make([]byte, 10)))
	require.Error(t, err)
}
