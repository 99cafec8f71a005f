package pgp

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// bufferSize is the size of the two buffers of a [Writer]: one batches the
// caller's small writes (CSV rows) before they are hashed and compressed,
// the other batches the ciphertext before it reaches dst.
const bufferSize = 64 << 10

// compressionLevel is DEFLATE level 6, the default of both zlib and gpg.
const compressionLevel = 6

// Result describes a finished export for the audit log. It holds no
// personal value: only key fingerprints, a length and a digest.
type Result struct {
	// Recipients are the primary-key fingerprints of the recipients, in
	// the order given (duplicates removed).
	Recipients []string
	// Signer is the signer's primary-key fingerprint.
	Signer string
	// Bytes is the number of bytes written to dst.
	Bytes int64
	// SHA256 is the lower-case hex SHA-256 of exactly the bytes written to
	// dst, as sha256sum prints it for the exported file.
	SHA256 string
	// Armored reports whether the message is ASCII-armored.
	Armored bool
}

// Writer encrypts and signs the plaintext written to it; see [Encrypt].
// It is not safe for concurrent use.
type Writer struct {
	plain   *bufio.Writer   // batches plaintext; flushes into sigHash and literal
	sigHash hash.Hash       // SHA-256 of the literal data, for the signature
	literal io.WriteCloser  // the literal data packet
	inner   io.WriteCloser  // compressed packet inside the encrypted one
	armor   io.WriteCloser  // nil without armor
	out     *bufio.Writer   // batches ciphertext for dst
	counter *countingHasher // counts and hashes what reaches dst
	cfg     *packet.Config
	signer  *packet.PrivateKey
	intent  []*packet.Recipient // intended recipients, stated in the signature
	result  Result
	err     error // sticky: the first failure, or ErrClosed
	done    bool  // Close succeeded
}

// Encrypt starts an OpenPGP message to dst, encrypted to every recipient
// and signed by signer, and returns a [Writer] for the plaintext. Stream the
// plaintext in (it is never held in memory) and Close the Writer to finish
// the message; then [Writer.Result] gives what the audit entry needs.
//
// The message is what gpg --encrypt --sign writes: a public-key encrypted
// session key packet (v3) per recipient, then a SEIPDv1 packet with MDC
// under AES-256 holding a compressed packet (ZLIB by default) with a
// one-pass signature, the literal data and a v4 SHA-256 signature. These
// choices are pinned: they do not follow the algorithm preferences a
// recipient key states, so a key advertising SEIPDv2/AEAD still gets a
// message GnuPG 2.2 reads.
//
// Before writing anything Encrypt checks every recipient as
// [CheckRecipient] and the signer as [CheckSigner] do, at opts.Now, and
// returns all refusals together as [KeyErrors]. If a write or Close fails,
// dst holds an incomplete message that the caller must discard.
func Encrypt(dst io.Writer, recipients []*Key, signer *Key, opts *Options) (*Writer, error) {
	if len(recipients) == 0 {
		return nil, ErrNoRecipients
	}
	if signer == nil {
		return nil, ErrNoSigner
	}
	now := opts.now()
	p, err := selectParties(recipients, signer, now)
	if err != nil {
		return nil, err
	}
	w := &Writer{
		counter: &countingHasher{w: dst, h: sha256.New()},
		cfg:     pinnedConfig(now),
		signer:  p.signer,
		intent:  p.intended,
		result:  Result{Recipients: p.fingerprints, Signer: signer.Fingerprint()},
	}
	w.out = bufio.NewWriterSize(w.counter, bufferSize)
	var msg io.Writer = w.out
	if opts != nil && opts.Armor {
		aw, err := armor.Encode(w.out, armorMessage, nil)
		if err != nil {
			return nil, err
		}
		w.armor, msg = aw, aw
		w.result.Armored = true
	}
	if err := w.start(msg, p.keys, opts.compression()); err != nil {
		return nil, err
	}
	return w, nil
}

// parties are the keys an export uses.
type parties struct {
	keys         []*packet.PublicKey // encryption (sub)keys, one per recipient
	fingerprints []string            // the recipients' primary keys
	intended     []*packet.Recipient // the same, for the signature
	signer       *packet.PrivateKey  // signing (sub)key
}

// selectParties checks the recipients (dropping duplicates) and the signer,
// and reports every refusal at once.
func selectParties(recipients []*Key, signer *Key, now time.Time) (parties, error) {
	var (
		p       parties
		refused KeyErrors
		seen    = map[string]bool{}
	)
	for _, r := range recipients {
		if r == nil {
			return parties{}, errors.New("kuji/pgp: nil recipient key")
		}
		if seen[r.Fingerprint()] {
			continue
		}
		seen[r.Fingerprint()] = true
		sel, kerr := selectKey(r, useEncrypt, now)
		if kerr != nil {
			refused = append(refused, kerr)
			continue
		}
		p.keys = append(p.keys, sel.public)
		p.fingerprints = append(p.fingerprints, r.Fingerprint())
		p.intended = append(p.intended, &packet.Recipient{KeyVersion: 4, Fingerprint: sel.entity.PrimaryKey.Fingerprint})
	}
	sel, kerr := selectKey(signer, useSign, now)
	if kerr != nil {
		refused = append(refused, kerr)
	}
	if len(refused) > 0 {
		return parties{}, refused
	}
	p.signer = sel.private
	return p, nil
}

// start writes the packets that precede the plaintext: the session key
// encrypted to each key, the headers of the encrypted, compressed and
// literal data packets and the one-pass signature.
func (w *Writer) start(msg io.Writer, keys []*packet.PublicKey, compression packet.CompressionAlgo) error {
	sessionKey := make([]byte, pinnedCipher.KeySize())
	defer clear(sessionKey)
	if _, err := io.ReadFull(w.cfg.Random(), sessionKey); err != nil {
		return err
	}
	for _, pub := range keys {
		if err := packet.SerializeEncryptedKeyAEADwithHiddenOption(msg, pub, pinnedCipher, false, sessionKey, false, w.cfg); err != nil {
			return err
		}
	}
	encrypted, err := packet.SerializeSymmetricallyEncrypted(msg, pinnedCipher, false, packet.CipherSuite{}, sessionKey, w.cfg)
	if err != nil {
		return err
	}
	if w.inner, err = packet.SerializeCompressed(encrypted, compression, &packet.CompressionConfig{Level: compressionLevel}); err != nil {
		return err
	}
	ops := &packet.OnePassSignature{
		Version:    3,
		SigType:    packet.SigTypeBinary,
		Hash:       pinnedHash,
		PubKeyAlgo: w.signer.PubKeyAlgo,
		KeyId:      w.signer.KeyId,
		IsLast:     true,
	}
	if err := ops.Serialize(w.inner); err != nil {
		return err
	}
	if w.literal, err = packet.SerializeLiteral(nopCloser{w.inner}, true, "", 0); err != nil {
		return err
	}
	w.sigHash = pinnedHash.New()
	w.plain = bufio.NewWriterSize(teeWriter{w.sigHash, w.literal}, bufferSize)
	return nil
}

// Write encrypts p. After a failure every later Write and Close returns the
// same error.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	// Pieces of at most bufferSize keep go-crypto's packet buffers small
	// even when the caller writes megabytes at once.
	var n int
	for len(p) > 0 {
		m, err := w.plain.Write(p[:min(len(p), bufferSize)])
		n += m
		p = p[m:]
		if err != nil {
			w.err = err
			return n, err
		}
	}
	return n, nil
}

// Close signs what was written, finishes the message and flushes it to dst.
// It does not close dst.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.finish(); err != nil {
		w.err = err
		return err
	}
	w.err, w.done = ErrClosed, true
	w.result.Bytes = w.counter.n
	w.result.SHA256 = hex.EncodeToString(w.counter.h.Sum(nil))
	return nil
}

func (w *Writer) finish() error {
	if err := w.plain.Flush(); err != nil {
		return err
	}
	if err := w.literal.Close(); err != nil {
		return err
	}
	sig := newSignature(w.signer, packet.SigTypeBinary, w.cfg)
	sig.IntendedRecipients = w.intent
	if err := sig.Sign(w.sigHash, w.signer, w.cfg); err != nil {
		return err
	}
	if err := sig.Serialize(w.inner); err != nil {
		return err
	}
	// Closing the compressed packet closes the encrypted one, which
	// writes the MDC.
	if err := w.inner.Close(); err != nil {
		return err
	}
	if w.armor != nil {
		if err := w.armor.Close(); err != nil {
			return err
		}
		if _, err := io.WriteString(w.out, "\n"); err != nil {
			return err
		}
	}
	return w.out.Flush()
}

// Result returns what the audit entry of the export needs. It is the zero
// Result until Close has succeeded.
func (w *Writer) Result() Result {
	if !w.done {
		return Result{}
	}
	r := w.result
	r.Recipients = append([]string(nil), r.Recipients...)
	return r
}

// countingHasher passes writes to w, counting and hashing the bytes that
// w accepted.
type countingHasher struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingHasher) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// teeWriter writes to a hash and then to w.
type teeWriter struct {
	h hash.Hash
	w io.Writer
}

func (t teeWriter) Write(p []byte) (int, error) {
	t.h.Write(p)
	return t.w.Write(p)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
