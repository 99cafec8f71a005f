package pgp

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// created is when the test keys are made: in the past, so that gpg (which
// reads the real clock) accepts keys and signatures dated then.
var created = time.Date(2025, 4, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*60*60))

func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// opts returns Options with the clock fixed one hour after the keys were
// made.
func opts() *Options { return &Options{Now: at(created.Add(time.Hour))} }

type fixtures struct {
	ward, ward2, contractor, other *Key
}

var (
	fixturesOnce sync.Once
	fixtureKeys  fixtures
	fixtureErr   error
)

// keys returns Curve25519 keys shared by the tests (a Key is immutable):
// two ward recipients, the contractor who signs exports, and a stranger.
func keys(t testing.TB) fixtures {
	t.Helper()
	fixturesOnce.Do(func() {
		gen := func(name, email string) *Key {
			if fixtureErr != nil {
				return nil
			}
			var k *Key
			k, fixtureErr = GenerateKey(name, "", email, &KeyOptions{Now: at(created)})
			return k
		}
		fixtureKeys = fixtures{
			ward:       gen("新宿区 地域振興課", "chiiki@city.example.jp"),
			ward2:      gen("新宿区 情報政策課", "joho@city.example.jp"),
			contractor: gen("受託事業者 株式会社くじ", "export@kuji.example.jp"),
			other:      gen("Stranger", "stranger@example.com"),
		}
	})
	require.NoError(t, fixtureErr)
	return fixtureKeys
}

// rowGenerator makes deterministic CSV rows like a reception list: receipt
// number, name, kana, address, phone, e-mail (about 150 bytes a row).
type rowGenerator struct {
	rng *rand.Rand
	buf []byte
}

func newRowGenerator() *rowGenerator {
	return &rowGenerator{rng: rand.New(rand.NewPCG(2026, 6)), buf: make([]byte, 0, 256)}
}

var (
	surnames  = [][2]string{{"山田", "ヤマダ"}, {"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"中村", "ナカムラ"}}
	given     = [][2]string{{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"一郎", "イチロウ"}, {"美咲", "ミサキ"}, {"健太", "ケンタ"}, {"陽菜", "ヒナ"}, {"大輔", "ダイスケ"}, {"結衣", "ユイ"}}
	towns     = []string{"西新宿", "歌舞伎町", "高田馬場", "大久保", "神楽坂", "四谷", "市谷田町", "早稲田鶴巻町"}
	buildings = []string{"コーポ新宿", "メゾン早稲田", "ハイツ四谷", "パークハウス西新宿", "グリーンヒル大久保"}
	roman     = []string{"yamada", "sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "nakamura"}
)

// row returns row i; the slice is reused by the next call. (It appends
// by hand rather than with fmt: the memory test makes a million rows under
// the race detector.)
func (g *rowGenerator) row(i int) []byte {
	s, n := g.rng.IntN(len(surnames)), g.rng.IntN(len(given))
	b := append(g.buf[:0], 'K')
	b = appendPadded(b, i, 8)
	b = append(b, ',')
	b = append(append(append(b, surnames[s][0]...), ' '), given[n][0]...)
	b = append(b, ',')
	b = append(append(append(b, surnames[s][1]...), ' '), given[n][1]...)
	b = append(append(b, ",東京都新宿区"...), towns[g.rng.IntN(len(towns))]...)
	b = strconv.AppendInt(b, int64(g.rng.IntN(9)+1), 10)
	b = strconv.AppendInt(append(b, '-'), int64(g.rng.IntN(30)+1), 10)
	b = strconv.AppendInt(append(b, '-'), int64(g.rng.IntN(20)+1), 10)
	b = append(append(b, ' '), buildings[g.rng.IntN(len(buildings))]...)
	b = strconv.AppendInt(b, int64(g.rng.IntN(12)+1)*100+int64(g.rng.IntN(20)+1), 10)
	b = append(b, "号室"...)
	b = appendPadded(append(b, ",03-"...), g.rng.IntN(10000), 4)
	b = appendPadded(append(b, '-'), g.rng.IntN(10000), 4)
	b = strconv.AppendInt(append(append(b, ','), roman[s]...), int64(g.rng.IntN(1000000)), 10)
	b = append(b, "@mail.example.jp\r\n"...)
	g.buf = b
	return b
}

// appendPadded appends v in decimal, zero-padded to width digits.
func appendPadded(b []byte, v, width int) []byte {
	start := len(b)
	b = strconv.AppendInt(b, int64(v), 10)
	for len(b)-start < width {
		b = append(b, 0)
		copy(b[start+1:], b[start:])
		b[start] = '0'
	}
	return b
}

// writeRows writes n rows to w and returns the plaintext size.
func writeRows(w io.Writer, n int) (int64, error) {
	g := newRowGenerator()
	var total int64
	for i := range n {
		m, err := w.Write(g.row(i))
		total += int64(m)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func csvBytes(n int) []byte {
	var buf bytes.Buffer
	if _, err := writeRows(&buf, n); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// encryptBytes exports plaintext with o and returns the message.
func encryptBytes(t *testing.T, plaintext []byte, recipients []*Key, signer *Key, o *Options) ([]byte, Result) {
	t.Helper()
	var buf bytes.Buffer
	w, err := Encrypt(&buf, recipients, signer, o)
	require.NoError(t, err)
	_, err = w.Write(plaintext)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes(), w.Result()
}

// decryptBytes reads a whole message.
func decryptBytes(msg []byte, key *Key, o *DecryptOptions) ([]byte, Signature, error) {
	r, err := Decrypt(bytes.NewReader(msg), []*Key{key}, o)
	if err != nil {
		return nil, Signature{}, err
	}
	out, err := io.ReadAll(r)
	return out, r.Signature(), err
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestRowGenerator(t *testing.T) {
	t.Parallel()
	g := newRowGenerator()
	first := string(g.row(0))
	require.Regexp(t, `^K00000000,\p{Han}+ \p{Han}+,\p{Katakana}+ \p{Katakana}+,東京都新宿区\p{Han}+\d-\d+-\d+ \S+\d+号室,03-\d{4}-\d{4},[a-z]+\d+@mail\.example\.jp\r\n$`, first)
	require.Equal(t, first, string(newRowGenerator().row(0)), "deterministic")
	var total int
	for i := 1; i <= 1000; i++ {
		total += len(g.row(i))
	}
	require.InDelta(t, 150, total/1000, 15, "bytes per row")
}

func requireKeyError(t *testing.T, err error, reason Reason, fpr string) *KeyError {
	t.Helper()
	var ke *KeyError
	require.True(t, errors.As(err, &ke), "want a *KeyError, got %v", err)
	require.Equal(t, reason, ke.Reason, ke.Error())
	require.Equal(t, fpr, ke.Fingerprint)
	return ke
}

func requireMessageError(t *testing.T, err error, reason Reason) *MessageError {
	t.Helper()
	var me *MessageError
	require.True(t, errors.As(err, &me), "want a *MessageError, got %v", err)
	require.Equal(t, reason, me.Reason, me.Error())
	return me
}
