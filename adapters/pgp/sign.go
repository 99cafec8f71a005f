package pgp

import (
	"bufio"
	"bytes"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
)

// maxClearSigned bounds what [VerifyClearSigned] reads: clear-signed
// documents (erasure certificates) are small, and the whole text is held
// in memory to be verified.
const maxClearSigned = 16 << 20

// SignDetached writes an ASCII-armored detached signature over the bytes
// of doc, as gpg --armor --detach-sign does: a v4 binary-document
// signature with SHA-256, so the file verifies exactly as it is, byte for
// byte. signer is checked as [CheckSigner] does, at opts.Now.
func SignDetached(dst io.Writer, doc io.Reader, signer *Key, opts *Options) error {
	if signer == nil {
		return ErrNoSigner
	}
	now := opts.now()
	sel, kerr := selectKey(signer, useSign, now)
	if kerr != nil {
		return kerr
	}
	cfg := pinnedConfig(now)
	h := pinnedHash.New()
	if _, err := io.Copy(h, doc); err != nil {
		return err
	}
	sig := newSignature(sel.private, packet.SigTypeBinary, cfg)
	if err := sig.Sign(h, sel.private, cfg); err != nil {
		return err
	}
	return writeArmored(dst, armorSignature, sig.Serialize)
}

// VerifyDetached checks a detached signature (armored or binary, over the
// document as binary or, as gpg --textmode makes it, as canonical text)
// over doc, and returns it if it verifies and was made by one of signers,
// under the rules [Decrypt] states. Otherwise it returns a [*MessageError].
func VerifyDetached(doc, signature io.Reader, signers []*Key, opts *Options) (Signature, error) {
	if len(signers) == 0 {
		return Signature{}, ErrNoSigner
	}
	ring, err := keyring(signers)
	if err != nil {
		return Signature{}, err
	}
	body, err := dearmor(signature, armorSignature)
	if err != nil {
		return Signature{}, &MessageError{Reason: ReasonMalformed}
	}
	md, err := openpgp.VerifyDetachedSignatureReader(ring, doc, body, pinnedConfig(opts.now()))
	if err != nil {
		// go-crypto reports a signature stream without any signature
		// packet as an unknown issuer.
		return Signature{}, &MessageError{Reason: ReasonMalformed}
	}
	if _, err := io.Copy(io.Discard, md.UnverifiedBody); err != nil {
		return Signature{}, messageError(err)
	}
	return judge(md, fingerprints(signers))
}

// ClearSign writes text as a clear-signed message, as gpg --clearsign
// does: "-----BEGIN PGP SIGNED MESSAGE-----", a "Hash: SHA256" header, the
// text, and an armored v4 canonical-text signature.
//
// The text is canonicalised as RFC 4880 section 7.1 requires and as gpg
// does, so that what a reader sees is exactly what was signed: it is read
// as lines ended by LF (a last line without one counts as a line), every
// line loses its trailing spaces, tabs and CRs, the signature covers the
// lines joined by CRLF, and the message shows each line ended by LF, lines
// starting with "-" or "From " dash-escaped. [VerifyClearSigned] returns
// the lines each ended by LF. signer is checked as [CheckSigner] does, at
// opts.Now.
func ClearSign(dst io.Writer, text io.Reader, signer *Key, opts *Options) error {
	if signer == nil {
		return ErrNoSigner
	}
	now := opts.now()
	sel, kerr := selectKey(signer, useSign, now)
	if kerr != nil {
		return kerr
	}
	cfg := pinnedConfig(now)
	h := pinnedHash.New()
	out := bufio.NewWriter(dst)
	out.WriteString("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n")
	in := bufio.NewReader(text)
	for first := true; ; first = false {
		line, err := in.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return err
		}
		if err == io.EOF && len(line) == 0 {
			break
		}
		line = bytes.TrimRight(bytes.TrimSuffix(line, []byte("\n")), " \t\r")
		if !first {
			h.Write([]byte("\r\n"))
		}
		h.Write(line)
		if bytes.HasPrefix(line, []byte("-")) || bytes.HasPrefix(line, []byte("From ")) {
			out.WriteString("- ")
		}
		out.Write(line)
		out.WriteByte('\n')
		if err == io.EOF {
			break
		}
	}
	sig := newSignature(sel.private, packet.SigTypeText, cfg)
	if err := sig.Sign(h, sel.private, cfg); err != nil {
		return err
	}
	if err := writeArmored(out, armorSignature, sig.Serialize); err != nil {
		return err
	}
	return out.Flush()
}

// newSignature returns an unsigned v4 SHA-256 signature by key.
func newSignature(key *packet.PrivateKey, sigType packet.SignatureType, cfg *packet.Config) *packet.Signature {
	keyID := key.KeyId
	return &packet.Signature{
		Version:      4,
		SigType:      sigType,
		PubKeyAlgo:   key.PubKeyAlgo,
		Hash:         pinnedHash,
		CreationTime: cfg.Now(),
		IssuerKeyId:  &keyID,
	}
}

// VerifyClearSigned reads one clear-signed message (nothing but white
// space may surround it), checks its signature, and returns the signed
// text and the signature if it verifies and was made by one of signers,
// under the rules [Decrypt] states. Otherwise it returns a [*MessageError]. The text is what gpg --decrypt
// prints: the signed lines, dash-escaping and trailing white space removed,
// each ended by LF.
func VerifyClearSigned(src io.Reader, signers []*Key, opts *Options) ([]byte, Signature, error) {
	if len(signers) == 0 {
		return nil, Signature{}, ErrNoSigner
	}
	data, err := io.ReadAll(io.LimitReader(src, maxClearSigned+1))
	if err != nil {
		return nil, Signature{}, err
	}
	if len(data) > maxClearSigned {
		return nil, Signature{}, &MessageError{Reason: ReasonMalformed}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	block, rest := clearsign.Decode(trimmed)
	if block == nil || !bytes.HasPrefix(trimmed, []byte("-----BEGIN PGP SIGNED MESSAGE-----")) ||
		len(bytes.TrimSpace(rest)) != 0 {
		return nil, Signature{}, &MessageError{Reason: ReasonMalformed}
	}
	ring, err := keyring(signers)
	if err != nil {
		return nil, Signature{}, err
	}
	md, err := openpgp.VerifyDetachedSignatureReader(ring, bytes.NewReader(block.Bytes), block.ArmoredSignature.Body, pinnedConfig(opts.now()))
	if err != nil {
		return nil, Signature{}, &MessageError{Reason: ReasonMalformed}
	}
	if _, err := io.Copy(io.Discard, md.UnverifiedBody); err != nil {
		return nil, Signature{}, messageError(err)
	}
	sig, err := judge(md, fingerprints(signers))
	if err != nil {
		return nil, Signature{}, err
	}
	text := block.Plaintext
	if len(text) > 0 {
		text = append(text, '\n')
	}
	return text, sig, nil
}
