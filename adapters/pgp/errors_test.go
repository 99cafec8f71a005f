package pgp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	keyReasons = []Reason{
		ReasonExpired, ReasonRevoked, ReasonNotYetValid, ReasonTooWeak, ReasonUnsupported,
		ReasonNoEncryptionKey, ReasonNoSigningKey, ReasonNoPrivateKey, ReasonPassphraseRequired,
		ReasonWrongPassphrase, ReasonInvalidKey, ReasonInvalidUserID,
	}
	messageReasons = []Reason{
		ReasonMalformed, ReasonNotEncrypted, ReasonNoDecryptionKey, ReasonIntegrity,
		ReasonUnsigned, ReasonUnknownSigner, ReasonBadSignature,
	}
)

// TestErrorMessages: every reason has its own English and Japanese text
// (none falls through to the generic one) and Error is the English text
// prefixed by the package and code.
func TestErrorMessages(t *testing.T) {
	t.Parallel()
	type coded interface {
		error
		Code() string
		English() string
		Japanese() string
	}
	const fpr = "0123456789ABCDEF0123456789ABCDEF01234567"
	var all []coded
	for _, r := range keyReasons {
		all = append(all, &KeyError{Fingerprint: fpr, Reason: r, Algorithm: "rsa2048"})
	}
	for _, r := range messageReasons {
		all = append(all, &MessageError{Reason: r, Signer: fpr})
	}
	seenEn, seenJa := map[string]bool{}, map[string]bool{}
	for _, e := range all {
		code := e.Code()
		require.NotContains(t, e.English(), "("+code+")", "fallback English text for %s", code)
		require.NotContains(t, e.Japanese(), "（"+code+"）", "fallback Japanese text for %s", code)
		require.Equal(t, "kuji/pgp: "+code+": "+e.English(), e.Error())
		require.False(t, seenEn[e.English()], "duplicate English text %q", e.English())
		require.False(t, seenJa[e.Japanese()], "duplicate Japanese text %q", e.Japanese())
		seenEn[e.English()], seenJa[e.Japanese()] = true, true
		require.Regexp(t, `[ぁ-んァ-ン一-龯]`, e.Japanese())
	}
	// Unknown reasons still say something, with their code.
	require.Contains(t, (&KeyError{Reason: "new"}).English(), "new")
	require.Contains(t, (&MessageError{Reason: "new"}).Japanese(), "new")
	// Without a fingerprint the text still reads.
	require.Equal(t, "the key has expired", (&KeyError{Reason: ReasonExpired}).English())
	require.Equal(t, "鍵は有効期限が切れています", (&KeyError{Reason: ReasonExpired}).Japanese())
	require.Equal(t, "鍵 "+fpr+" は失効しています", (&KeyError{Fingerprint: fpr, Reason: ReasonRevoked}).Japanese())
}

func TestKeyErrors(t *testing.T) {
	t.Parallel()
	errs := KeyErrors{
		{Fingerprint: "A", Reason: ReasonExpired},
		{Fingerprint: "B", Reason: ReasonRevoked},
	}
	var err error = fmt.Errorf("export: %w", errs)
	var ke *KeyError
	require.True(t, errors.As(err, &ke))
	require.Equal(t, "A", ke.Fingerprint)
	require.Len(t, errs.Unwrap(), 2)
	require.True(t, errors.Is(err, errs[1]))
	require.Equal(t, 1, strings.Count(errs.Error(), "key-expired"))
	require.Equal(t, 1, strings.Count(errs.Error(), "key-revoked"))
}
