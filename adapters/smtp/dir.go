package smtp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Dir is a [Notifier] that writes each notification as an .eml file (RFC
// 5322, CRLF line ends) into a directory: the "local outbox directory" the
// examples send to, which an operator can open in a mail client or hand to
// a mail system. Each message has its own file, named after its outbox key
// ([Dir.Path]) and written atomically (temporary file, fsync, rename), so a
// message written twice replaces its file and never yields two. The files
// hold addresses: they are created with mode 0600 in a directory of mode
// 0700.
type Dir struct {
	dir string
	lh  letterhead
}

var _ Notifier = (*Dir)(nil)

// OpenDir returns a Dir writing into dir, which it creates if missing.
// Only the message fields of opts are used (From is required). Option
// errors are [FieldErrors].
func OpenDir(dir string, opts *Options) (*Dir, error) {
	if opts == nil {
		opts = &Options{}
	}
	lh, err := opts.letterhead()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kuji/smtp: outbox directory: %w", err)
	}
	return &Dir{dir: dir, lh: lh}, nil
}

// Path returns the file the message with the outbox key is written to: the
// key with every byte outside [A-Za-z0-9_.-] (and a leading dot) escaped as
// %XX, then ".eml"; a key too long for a file name is shortened and ends
// with a hash of the whole key.
func (d *Dir) Path(key string) string {
	return filepath.Join(d.dir, fileName(key))
}

func fileName(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	name := b.String()
	if len(name) > 200 {
		sum := sha256.Sum256([]byte(key))
		name = name[:160] + "~" + hex.EncodeToString(sum[:16])
	}
	return name + ".eml"
}

// Notify writes n to its file. Failures are [*SendError]s with
// ReasonWriteFailed (Temporary: nothing, or only a stray temporary file,
// was written).
func (d *Dir) Notify(ctx context.Context, n Notification) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return &SendError{Key: n.Key, Reason: ReasonCanceled, cause: err}
	}
	to, _ := parseRecipient(n.To)
	if err := d.write(d.Path(n.Key), n, to); err != nil {
		return &SendError{Key: n.Key, Reason: ReasonWriteFailed}
	}
	return nil
}

func (d *Dir) write(path string, n Notification, to string) (err error) {
	f, err := os.CreateTemp(d.dir, ".tmp-*.eml") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := d.lh.message(n, to, time.Now().In(jst)).WriteTo(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable. Not every platform can sync a
	// directory; the file is complete either way.
	if dir, err := os.Open(d.dir); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}
