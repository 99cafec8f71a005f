//go:build tools

// Package tools pins the module's dependencies while the packages that use
// them are being written in parallel, so that go.mod stays stable. It is
// never compiled (the tools build tag is never set) and is deleted once every
// dependency is imported by real code.
package tools

import (
	_ "github.com/ProtonMail/go-crypto/openpgp/v2"
	_ "github.com/emersion/go-smtp"
	_ "github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/stretchr/testify/require"
	_ "github.com/wneessen/go-mail"
	_ "golang.org/x/mod/sumdb/note"
	_ "golang.org/x/mod/sumdb/tlog"
	_ "golang.org/x/text/encoding/japanese"
	_ "golang.org/x/text/language"
	_ "golang.org/x/text/unicode/norm"
	_ "golang.org/x/text/width"
	_ "modernc.org/sqlite"
)
