package audit

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// VerifyReason says why a log, checkpoint or proof does not verify.
type VerifyReason string

// Reasons for a [*VerifyError].
const (
	// The entry's bytes no longer hash to the hash stored when it was
	// appended: it was changed, or entries were swapped, inserted or removed
	// and renumbered.
	ReasonEntryChanged VerifyReason = "entry-changed"
	// The entry is missing: the log was truncated or a leaf deleted.
	ReasonEntryMissing VerifyReason = "entry-missing"
	// The hashes stored with the entry are missing: it was added behind the
	// log's back, or hashes were deleted.
	ReasonHashesMissing VerifyReason = "hashes-missing"
	// A stored hash over the entries Entry..Through does not match them,
	// although each entry matches its own stored hash: entries in that range
	// were changed or moved together with their hashes, or a stored hash was
	// altered.
	ReasonHashesChanged VerifyReason = "hashes-changed"
	// Every stored hash matches the entries, yet the tree's root is not the
	// checkpoint's: the log was rewritten together with all its hashes. One
	// checkpoint cannot say which entry changed; verifying against earlier
	// checkpoints narrows it down.
	ReasonRootMismatch VerifyReason = "root-mismatch"
	// The checkpoint is for another log.
	ReasonOriginMismatch VerifyReason = "origin-mismatch"
	// The checkpoint or a proof is for a tree larger than the log, or a proof
	// names an entry outside its tree.
	ReasonSizeMismatch VerifyReason = "size-mismatch"
	// The checkpoint is not signed by the given key, or the signature is
	// invalid.
	ReasonBadSignature VerifyReason = "bad-signature"
	// The checkpoint text is not a C2SP tlog-checkpoint.
	ReasonMalformedCheckpoint VerifyReason = "malformed-checkpoint"
	// The proof file is not a proof of this package's format.
	ReasonMalformedProof VerifyReason = "malformed-proof"
	// The inclusion or consistency proof does not prove its claim.
	ReasonProofFailed VerifyReason = "proof-failed"
)

var verifyText = map[VerifyReason][2]string{ // English, Japanese
	ReasonEntryChanged:        {"content no longer matches the hash stored when it was appended (changed, swapped, inserted or removed)", "の内容が追記時に保存したハッシュと一致しません（改変・入替・挿入・削除）"},
	ReasonEntryMissing:        {"is missing (log truncated or entry deleted)", "がありません（ログの切詰めまたは削除）"},
	ReasonHashesMissing:       {"has no stored hashes (added outside the log, or hashes deleted)", "の保存ハッシュがありません（ログ外からの追加、またはハッシュの削除）"},
	ReasonHashesChanged:       {"do not match the stored hash over them (entries moved together with their hashes, or a hash altered)", "がそれらに対する保存ハッシュと一致しません（ハッシュごとの移動・改変）"},
	ReasonRootMismatch:        {"the log does not match the checkpoint's root hash although its stored hashes are consistent: it was rewritten with its hashes; verify against earlier checkpoints to locate the change", "保存ハッシュは整合していますがチェックポイントのルートハッシュと一致しません。ハッシュごと書き換えられています。以前のチェックポイントで検証し、変更箇所を特定してください"},
	ReasonOriginMismatch:      {"the checkpoint is for another log", "チェックポイントが別のログのものです"},
	ReasonSizeMismatch:        {"the sizes do not fit (tree larger than the log, or entry outside the tree)", "サイズが合いません（ログより大きい木、または木の範囲外の記録）"},
	ReasonBadSignature:        {"the checkpoint is not validly signed by the given key", "チェックポイントが指定の鍵で正しく署名されていません"},
	ReasonMalformedCheckpoint: {"the checkpoint is not a well-formed tlog-checkpoint", "チェックポイントの形式が正しくありません"},
	ReasonMalformedProof:      {"the proof is not a well-formed kuji audit proof", "証明の形式が正しくありません"},
	ReasonProofFailed:         {"the proof does not verify", "証明を検証できません"},
}

// VerifyError says that a log, a checkpoint or a proof does not verify,
// and where. It wraps [ErrVerification].
type VerifyError struct {
	// Entry is the first entry concerned, or -1 when no entry can be named.
	Entry int64
	// Through is the last entry concerned (inclusive): Entry itself, or the
	// end of a range for [ReasonHashesChanged]; -1 with Entry.
	Through int64
	Reason  VerifyReason
}

// Code returns the machine-readable reason.
func (e *VerifyError) Code() string { return string(e.Reason) }

func (e *VerifyError) subject(ja bool) string {
	switch {
	case e.Entry < 0:
		return ""
	case e.Through > e.Entry && ja:
		return fmt.Sprintf("監査記録 %d〜%d ", e.Entry, e.Through)
	case e.Through > e.Entry:
		return fmt.Sprintf("entries %d to %d ", e.Entry, e.Through)
	case ja:
		return fmt.Sprintf("監査記録 %d ", e.Entry)
	}
	return fmt.Sprintf("entry %d ", e.Entry)
}

// English describes the failure in English.
func (e *VerifyError) English() string { return e.subject(false) + verifyText[e.Reason][0] }

// Japanese describes the failure in Japanese.
func (e *VerifyError) Japanese() string { return e.subject(true) + verifyText[e.Reason][1] }

func (e *VerifyError) Error() string { return "kuji/audit: " + e.Code() + ": " + e.English() }

// Unwrap returns [ErrVerification].
func (e *VerifyError) Unwrap() error { return ErrVerification }

// VerifyResult reports what [Log.Verify] checked.
type VerifyResult struct {
	// Checkpoint is the checkpoint the log was verified against.
	Checkpoint Checkpoint
	// Size is the number of entries in the log. Entries from
	// Checkpoint.Size on were appended after the checkpoint: they were
	// checked against their stored hashes only, and the next signed
	// checkpoint covers them.
	Size int64
}

// verifyChunk is how many entries Verify reads at a time.
const verifyChunk = 4096

// emptyRoot is the RFC 6962 hash of the empty tree.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

// Verify recomputes the whole log from its entries' bytes and checks it
// against cp, a checkpoint opened with the ward's public key
// ([OpenCheckpoint]). It returns a [*VerifyError] naming the first entry
// whose content no longer matches: changed bytes, swapped, inserted or
// deleted entries, a truncated log, entries added behind the log's back
// (see [VerifyReason] for each). A storage failure is returned as it is.
//
// Verify also checks every hash the storage keeps (those inclusion and
// consistency proofs are made of), including for entries appended after
// cp; [VerifyResult.Size] says how many entries the log has.
func (l *Log) Verify(ctx context.Context, cp Checkpoint) (VerifyResult, error) {
	if cp.Origin != l.origin {
		return VerifyResult{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonOriginMismatch}
	}
	size, err := l.s.Size(ctx)
	if err != nil {
		return VerifyResult{}, err
	}
	v := verifier{cp: cp}
	if cp.Size == 0 && cp.Hash != emptyRoot {
		return VerifyResult{}, &VerifyError{Entry: -1, Through: -1, Reason: ReasonRootMismatch}
	}
	end := max(size, cp.Size)
	for a := int64(0); a < end; a += verifyChunk {
		if err := ctx.Err(); err != nil {
			return VerifyResult{}, err
		}
		if err := l.verifyChunk(ctx, &v, a, min(a+verifyChunk, end)); err != nil {
			return VerifyResult{}, err
		}
	}
	return VerifyResult{Checkpoint: cp, Size: size}, nil
}

// verifier carries the recomputed tree from chunk to chunk.
type verifier struct {
	cp Checkpoint
	// frontier holds the hashes of the complete subtrees covering the
	// entries seen so far, largest (leftmost) first: one per 1 bit of the
	// count of entries.
	frontier []tlog.Hash
	next     int64 // the next entry expected
}

// verifyChunk checks entries [a, b) and the hashes stored with them.
func (l *Log) verifyChunk(ctx context.Context, v *verifier, a, b int64) error {
	// The hashes stored with entries a..b-1 are exactly those at indexes
	// [StoredHashIndex(0, a), StoredHashIndex(0, b)).
	base := tlog.StoredHashIndex(0, a)
	indexes := make([]int64, tlog.StoredHashIndex(0, b)-base)
	for i := range indexes {
		indexes[i] = base + int64(i)
	}
	stored, err := l.s.ReadHashes(ctx, indexes)
	hashesFrom := b // the first entry in the chunk whose hashes are missing
	switch {
	case errors.Is(err, ErrNotStored):
		stored, hashesFrom, err = l.readHashesUntilMissing(ctx, a, b)
		if err != nil {
			return err
		}
	case err != nil:
		return err
	case len(stored) != len(indexes):
		return errShortRead
	}
	err = l.s.ReadLeaves(ctx, a, b, func(n int64, data []byte) error {
		if n != v.next {
			return &VerifyError{Entry: v.next, Through: v.next, Reason: ReasonEntryMissing}
		}
		if n >= hashesFrom {
			return &VerifyError{Entry: n, Through: n, Reason: ReasonHashesMissing}
		}
		return v.add(data, stored[tlog.StoredHashIndex(0, n)-base:])
	})
	if err != nil {
		return err
	}
	if v.next < b {
		return &VerifyError{Entry: v.next, Through: v.next, Reason: ReasonEntryMissing}
	}
	return nil
}

// readHashesUntilMissing reads the hashes of entries a, a+1, ... one entry
// at a time and stops at the first entry whose hashes are not stored.
func (l *Log) readHashesUntilMissing(ctx context.Context, a, b int64) ([]tlog.Hash, int64, error) {
	var stored []tlog.Hash
	for n := a; n < b; n++ {
		first, last := tlog.StoredHashIndex(0, n), tlog.StoredHashIndex(0, n+1)
		indexes := make([]int64, last-first)
		for i := range indexes {
			indexes[i] = first + int64(i)
		}
		hs, err := l.s.ReadHashes(ctx, indexes)
		if errors.Is(err, ErrNotStored) {
			return stored, n, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if len(hs) != len(indexes) {
			return nil, 0, errShortRead
		}
		stored = append(stored, hs...)
	}
	return stored, b, nil
}

// add checks entry v.next, whose stored hashes begin at stored[0], and
// folds it into the frontier.
func (v *verifier) add(data []byte, stored []tlog.Hash) error {
	n := v.next
	h := tlog.RecordHash(data)
	if h != stored[0] {
		return &VerifyError{Entry: n, Through: n, Reason: ReasonEntryChanged}
	}
	// Entry n completes one subtree per trailing 1 bit of n; their hashes
	// are stored right after the entry's own, lowest level first.
	for level := 1; n>>(level-1)&1 == 1; level++ {
		last := len(v.frontier) - 1
		h = tlog.NodeHash(v.frontier[last], h)
		v.frontier = v.frontier[:last]
		if h != stored[level] {
			first := n - (1 << level) + 1
			return &VerifyError{Entry: first, Through: n, Reason: ReasonHashesChanged}
		}
	}
	v.frontier = append(v.frontier, h)
	v.next++
	if v.next == v.cp.Size && v.root() != v.cp.Hash {
		return &VerifyError{Entry: -1, Through: -1, Reason: ReasonRootMismatch}
	}
	return nil
}

// root returns the RFC 6962 root of the entries seen so far: the frontier's
// subtrees folded from the right.
func (v *verifier) root() tlog.Hash {
	if len(v.frontier) == 0 {
		return emptyRoot
	}
	h := v.frontier[len(v.frontier)-1]
	for i := len(v.frontier) - 2; i >= 0; i-- {
		h = tlog.NodeHash(v.frontier[i], h)
	}
	return h
}
