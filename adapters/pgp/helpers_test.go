package pgp

import (
	"bytes"
	"fmt"
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
	surnames = [][2]string{{"山田", "ヤマダ"}, {"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"中村", "ナカムラ"}}
	given    = [][2]string{{"太郎", "タロウ"}, {"花子", "ハナコ"}, {"一郎", "イチロウ"}, {"美咲", "ミサキ"}, {"健太", "ケンタ"}, {"陽菜", "ヒナ"}, {"大輔", "ダイスケ"}, {"結衣", "ユイ"}}
	towns    = []string{"西新宿", "歌舞伎町", "高田馬場", "大久保", "神楽坂", "四谷", "市谷田町", "早稲田鶴巻町"}
	roman    = []string{"yamada", "sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "nakamura"}
)

// row returns row i; the slice is reused by the next call.
func (g *rowGenerator) row(i int) []byte {
	s, n := g.rng.IntN(len(surnames)), g.rng.IntN(len(given))
	b := g.buf[:0]
	b = fmt.Appendf(b, "K%08d,%s %s,%s %s,東京都新宿区%s%d-%d-%d,03-%04d-%04d,%s%d@mail.example.jp\r\n",
		i, surnames[s][0], given[n][0], surnames[s][1], given[n][1],
		towns[g.rng.IntN(len(towns))], g.rng.IntN(9)+1, g.rng.IntN(30)+1, g.rng.IntN(20)+1,
		g.rng.IntN(10000), g.rng.IntN(10000), roman[s], g.rng.IntN(1000000))
	g.buf = b
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
