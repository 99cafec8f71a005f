package pgp_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/kuji-go/kuji/adapters/pgp"
)

// The contractor exports a reception list to the ward: encrypted to the
// ward's key, signed with the contractor's. The ward decrypts it and checks
// who signed it.
func Example() {
	now := func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }
	ward, err := pgp.GenerateKey("新宿区 地域振興課", "", "chiiki@city.example.jp", &pgp.KeyOptions{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	contractor, err := pgp.GenerateKey("受託事業者", "", "export@kuji.example.jp", &pgp.KeyOptions{Now: now})
	if err != nil {
		log.Fatal(err)
	}

	// The contractor's side: stream the CSV in, Close, audit the result.
	var file bytes.Buffer
	w, err := pgp.Encrypt(&file, []*pgp.Key{ward.Public()}, contractor, &pgp.Options{Now: now, Armor: true})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := io.WriteString(w, "受付番号,氏名\nK00000001,区 太郎\n"); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	res := w.Result()
	fmt.Println("recipients:", len(res.Recipients), "digest:", len(res.SHA256), "hex digits")

	// The ward's side: only io.EOF vouches for the plaintext.
	r, err := pgp.Decrypt(&file, []*pgp.Key{ward}, &pgp.DecryptOptions{Now: now, Signers: []*pgp.Key{contractor.Public()}})
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(plaintext))
	fmt.Println("signed by the contractor:", r.Signature().Signer == contractor.Fingerprint())
	// Output:
	// recipients: 1 digest: 64 hex digits
	// 受付番号,氏名
	// K00000001,区 太郎
	// signed by the contractor: true
}

// An erasure certificate, clear-signed so that anyone can read it and gpg
// --verify can check it.
func ExampleClearSign() {
	now := func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) }
	contractor, err := pgp.GenerateKey("受託事業者", "", "export@kuji.example.jp", &pgp.KeyOptions{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	var signed bytes.Buffer
	certificate := "消去証明書   \r\nイベント: シティウォーク\r\n"
	if err := pgp.ClearSign(&signed, strings.NewReader(certificate), contractor, &pgp.Options{Now: now}); err != nil {
		log.Fatal(err)
	}
	text, _, err := pgp.VerifyClearSigned(&signed, []*pgp.Key{contractor.Public()}, &pgp.Options{Now: now})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", text)
	// Output:
	// "消去証明書\nイベント: シティウォーク\n"
}
