package audit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/kuji-go/kuji/audit"
)

func requireVerifyError(t *testing.T, err error, reason audit.VerifyReason, entry int64) {
	t.Helper()
	require.ErrorIs(t, err, audit.ErrVerification)
	var ve *audit.VerifyError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, reason, ve.Reason, ve.Error())
	require.Equal(t, entry, ve.Entry, ve.Error())
}

func TestCheckpointIsC2SPText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	signer, verifier := testKey(t, testOrigin)
	s := &memoryStorage{}
	log := newTestLog(t, s)
	_, err := log.Append(ctx, numbered(0), numbered(1), numbered(2))
	require.NoError(t, err)

	signed, cp, err := log.Sign(ctx, signer)
	require.NoError(t, err)
	root := mth(s.leaves)
	text := testOrigin + "\n3\n" + base64.StdEncoding.EncodeToString(root[:]) + "\n"
	require.Equal(t, text, cp.Text())
	// A signed note: the text, a blank line, then "— name signature".
	require.True(t, strings.HasPrefix(string(signed), text+"\n— "+testOrigin+" "), "%s", signed)

	opened, err := audit.OpenCheckpoint(signed, verifier)
	require.NoError(t, err)
	require.Equal(t, audit.Checkpoint{Origin: testOrigin, Size: 3, Hash: root}, opened)
}

func TestOpenCheckpointRefusesForgeries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	signer, verifier := testKey(t, testOrigin)
	_, otherVerifier := testKey(t, testOrigin)
	log := newTestLog(t, &memoryStorage{})
	_, err := log.Append(ctx, numbered(0))
	require.NoError(t, err)
	signed, _, err := log.Sign(ctx, signer)
	require.NoError(t, err)

	_, err = audit.OpenCheckpoint(signed, otherVerifier)
	requireVerifyError(t, err, audit.ReasonBadSignature, -1)

	bigger := bytes.Replace(signed, []byte("\n1\n"), []byte("\n2\n"), 1)
	_, err = audit.OpenCheckpoint(bigger, verifier)
	requireVerifyError(t, err, audit.ReasonBadSignature, -1)

	_, err = audit.OpenCheckpoint([]byte("not a note"), verifier)
	requireVerifyError(t, err, audit.ReasonMalformedCheckpoint, -1)
}

func TestParseCheckpoint(t *testing.T) {
	t.Parallel()
	hash := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	good := "example.org/log\n12\n" + hash + "\n"
	cp, err := audit.ParseCheckpoint(good)
	require.NoError(t, err)
	require.Equal(t, int64(12), cp.Size)
	require.Equal(t, good, cp.Text())

	withExtension, err := audit.ParseCheckpoint(good + "extension line\n")
	require.NoError(t, err)
	require.Equal(t, cp, withExtension)

	for name, text := range map[string]string{
		"no final newline":   strings.TrimSuffix(good, "\n"),
		"two lines":          "example.org/log\n12\n",
		"leading zero":       "example.org/log\n012\n" + hash + "\n",
		"negative":           "example.org/log\n-1\n" + hash + "\n",
		"plus sign":          "example.org/log\n+12\n" + hash + "\n",
		"short hash":         "example.org/log\n12\n" + hash[:40] + "\n",
		"unpadded hash":      "example.org/log\n12\n" + strings.TrimRight(hash, "=") + "\n",
		"URL-safe base64":    "example.org/log\n12\n" + strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32))) + "\n",
		"space in origin":    "example org\n12\n" + hash + "\n",
		"empty origin":       "\n12\n" + hash + "\n",
		"blank extension":    good + "\n",
		"carriage return":    "example.org/log\r\n12\n" + hash + "\n",
		"size out of int64":  "example.org/log\n9223372036854775808\n" + hash + "\n",
		"hex instead of b64": "example.org/log\n12\n" + strings.Repeat("07", 32) + "\n",
	} {
		_, err := audit.ParseCheckpoint(text)
		requireVerifyError(t, err, audit.ReasonMalformedCheckpoint, -1)
		require.NotEmpty(t, name)
	}
}

// logWithCheckpoints appends total entries one at a time and signs a
// checkpoint with skey after each: signed[k] describes the first k entries.
func logWithCheckpoints(t *testing.T, total int, skey string) (*audit.Log, *memoryStorage, [][]byte) {
	t.Helper()
	ctx := context.Background()
	signer := mustSigner(t, skey)
	s := &memoryStorage{}
	log := newTestLog(t, s)
	signed := make([][]byte, total+1)
	for k := 0; k <= total; k++ {
		if k > 0 {
			_, err := log.Append(ctx, numbered(k-1))
			require.NoError(t, err)
		}
		var err error
		signed[k], _, err = log.Sign(ctx, signer)
		require.NoError(t, err)
	}
	return log, s, signed
}

// Every entry of every tree size has an inclusion proof that survives a
// round trip through JSON and verifies with the public key alone.
func TestInclusionProofsVerifyWithPublicDataOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, vkey := testKeys(t)
	const total = 33
	log, s, signed := logWithCheckpoints(t, total, skey)
	verifier := mustVerifier(t, vkey)
	for size := 1; size <= total; size++ {
		for n := range size {
			proof, err := log.ProveInclusion(ctx, int64(n), signed[size])
			require.NoError(t, err)
			file, err := json.Marshal(proof)
			require.NoError(t, err)

			// The ward's side: the file and the public key, nothing else.
			var kept audit.InclusionProof
			require.NoError(t, json.Unmarshal(file, &kept))
			e, cp, err := kept.Verify(verifier)
			require.NoError(t, err, "size %d entry %d", size, n)
			require.Equal(t, numbered(n), e)
			require.Equal(t, int64(size), cp.Size)
			require.Equal(t, testOrigin, cp.Origin)
			require.Equal(t, mth(s.leaves[:size]), cp.Hash)
		}
	}
}

func TestInclusionProofSurvivesPrettyPrinting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, vkey := testKeys(t)
	log, _, signed := logWithCheckpoints(t, 5, skey)
	proof, err := log.ProveInclusion(ctx, 3, signed[5])
	require.NoError(t, err)
	file, err := json.MarshalIndent(proof, "", "  ")
	require.NoError(t, err)
	require.Contains(t, string(file), "\n    \"actor\": \"staff-017\"")
	var kept audit.InclusionProof
	require.NoError(t, json.Unmarshal(file, &kept))
	_, _, err = kept.Verify(mustVerifier(t, vkey))
	require.NoError(t, err)
}

func TestInclusionProofRefusesTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, vkey := testKeys(t)
	log, _, signed := logWithCheckpoints(t, 9, skey)
	verifier := mustVerifier(t, vkey)
	_, otherKey := testKey(t, testOrigin)
	fresh := func() *audit.InclusionProof {
		p, err := log.ProveInclusion(ctx, 4, signed[9])
		require.NoError(t, err)
		return p
	}
	for _, tc := range []struct {
		name   string
		change func(p *audit.InclusionProof)
		reason audit.VerifyReason
		entry  int64
	}{
		{"entry changed", func(p *audit.InclusionProof) {
			p.Entry = bytes.Replace(p.Entry, []byte("staff-017"), []byte("staff-018"), 1)
		}, audit.ReasonProofFailed, 4},
		{"other index", func(p *audit.InclusionProof) { p.Index = 5 }, audit.ReasonProofFailed, 5},
		{"index beyond the tree", func(p *audit.InclusionProof) { p.Index = 9 }, audit.ReasonSizeMismatch, 9},
		{"hash changed", func(p *audit.InclusionProof) { p.Hashes[0][0] ^= 1 }, audit.ReasonProofFailed, 4},
		{"hash dropped", func(p *audit.InclusionProof) { p.Hashes = p.Hashes[1:] }, audit.ReasonProofFailed, 4},
		{"older checkpoint", func(p *audit.InclusionProof) { p.Checkpoint = string(signed[8]) }, audit.ReasonProofFailed, 4},
		{"unknown format", func(p *audit.InclusionProof) { p.Format = "v0" }, audit.ReasonMalformedProof, -1},
		{"entry not JSON", func(p *audit.InclusionProof) { p.Entry = []byte("{") }, audit.ReasonMalformedProof, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := fresh()
			tc.change(p)
			_, _, err := p.Verify(verifier)
			requireVerifyError(t, err, tc.reason, tc.entry)
		})
	}
	_, _, err := fresh().Verify(otherKey)
	requireVerifyError(t, err, audit.ReasonBadSignature, -1)
}

func TestProveInclusionRefusesWhatNoLongerMatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, _ := testKeys(t)
	log, s, signed := logWithCheckpoints(t, 6, skey)

	_, err := log.ProveInclusion(ctx, 6, signed[6])
	requireVerifyError(t, err, audit.ReasonSizeMismatch, 6)

	other, err := audit.NewLog("kuji.example.jp/other", s)
	require.NoError(t, err)
	_, err = other.ProveInclusion(ctx, 0, signed[6])
	requireVerifyError(t, err, audit.ReasonOriginMismatch, -1)

	s.leaves[2] = bytes.Replace(s.leaves[2], []byte("staff-017"), []byte("staff-018"), 1)
	_, err = log.ProveInclusion(ctx, 2, signed[6])
	requireVerifyError(t, err, audit.ReasonEntryChanged, 2)

	// The stored hash over entries 0..3 enters the root of size 6.
	s.hashes[tlog.StoredHashIndex(2, 0)][0] ^= 1
	_, err = log.ProveInclusion(ctx, 3, signed[6])
	requireVerifyError(t, err, audit.ReasonRootMismatch, -1)
}

// Every pair of checkpoints, the empty tree included, has a consistency
// proof that verifies with the public key alone.
func TestConsistencyProofsVerifyWithPublicDataOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, vkey := testKeys(t)
	const total = 20
	log, _, signed := logWithCheckpoints(t, total, skey)
	verifier := mustVerifier(t, vkey)
	for old := 0; old <= total; old++ {
		for cur := old; cur <= total; cur++ {
			proof, err := log.ProveConsistency(ctx, signed[old], signed[cur])
			require.NoError(t, err)
			file, err := json.Marshal(proof)
			require.NoError(t, err)
			var kept audit.ConsistencyProof
			require.NoError(t, json.Unmarshal(file, &kept))
			o, c, err := kept.Verify(verifier)
			require.NoError(t, err, "%d -> %d", old, cur)
			require.Equal(t, int64(old), o.Size)
			require.Equal(t, int64(cur), c.Size)
		}
	}
}

func TestConsistencyProofRefusesTampering(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	skey, vkey := testKeys(t)
	log, s, signed := logWithCheckpoints(t, 12, skey)
	verifier := mustVerifier(t, vkey)

	// A rewritten history: the same entries but one, with every hash
	// recomputed, signed with the same (stolen) key. No proof links the
	// ward's checkpoint to it.
	rebuilt := &memoryStorage{}
	for n, leaf := range s.leaves {
		if n == 3 {
			leaf = bytes.Replace(leaf, []byte("staff-017"), []byte("staff-018"), 1)
		}
		appendRaw(t, rebuilt, leaf)
	}
	forgedLog := newTestLog(t, rebuilt)
	forgedTip, _, err := forgedLog.Sign(ctx, mustSigner(t, skey))
	require.NoError(t, err)

	proof, err := log.ProveConsistency(ctx, signed[5], signed[12])
	require.NoError(t, err)
	proof.New = string(forgedTip)
	_, _, err = proof.Verify(verifier)
	requireVerifyError(t, err, audit.ReasonProofFailed, -1)

	// The forger cannot make a proof from the ward's checkpoint either.
	_, err = forgedLog.ProveConsistency(ctx, signed[5], forgedTip)
	requireVerifyError(t, err, audit.ReasonRootMismatch, -1)

	proof, err = log.ProveConsistency(ctx, signed[5], signed[12])
	require.NoError(t, err)
	proof.Old, proof.New = proof.New, proof.Old
	_, _, err = proof.Verify(verifier)
	requireVerifyError(t, err, audit.ReasonSizeMismatch, -1)

	_, err = log.ProveConsistency(ctx, signed[12], signed[5])
	requireVerifyError(t, err, audit.ReasonSizeMismatch, -1)

	proof, err = log.ProveConsistency(ctx, signed[5], signed[12])
	require.NoError(t, err)
	proof.Hashes[1][3] ^= 0x80
	_, _, err = proof.Verify(verifier)
	requireVerifyError(t, err, audit.ReasonProofFailed, -1)

	// The empty tree has a fixed hash; another hash for size 0 is refused.
	var fake tlog.Hash
	err = audit.VerifyConsistency(audit.Checkpoint{Origin: testOrigin, Hash: fake},
		audit.Checkpoint{Origin: testOrigin, Size: 1, Hash: mth([][]byte{[]byte("x")})}, nil)
	requireVerifyError(t, err, audit.ReasonProofFailed, -1)

	err = audit.VerifyConsistency(audit.Checkpoint{Origin: "a", Size: 1}, audit.Checkpoint{Origin: "b", Size: 1}, nil)
	requireVerifyError(t, err, audit.ReasonOriginMismatch, -1)
}

func TestGenerateKeyRefusesBadNames(t *testing.T) {
	t.Parallel()
	_, _, err := audit.GenerateKey(rand.Reader, "has space")
	require.ErrorIs(t, err, audit.ErrInvalidOrigin)
	skey, _ := testKeys(t)
	_, err = audit.SignCheckpoint(audit.Checkpoint{Origin: "a+b"}, mustSigner(t, skey))
	require.ErrorIs(t, err, audit.ErrInvalidOrigin)
}
