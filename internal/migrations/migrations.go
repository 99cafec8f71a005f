// Package migrations reads the numbered SQL schema files the store adapters
// embed (migrations/NNNN_name.sql) — no migration framework, a file per
// change, applied in order by each store in its own version table.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// Migration is one schema change.
type Migration struct {
	Version int    // 1, 2, 3, ...
	Name    string // the file name, e.g. "0001_init.sql"
	SQL     string
}

// Load reads the migrations/NNNN_name.sql files of fsys in order and checks
// that they are numbered 1, 2, 3, ... without gaps. pkg prefixes errors.
func Load(fsys fs.FS, pkg string) ([]Migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, name := range names { // fs.Glob returns names in lexical order
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("%s: migration %s is not named NNNN_name.sql", pkg, base)
		}
		if v != len(ms)+1 {
			return nil, fmt.Errorf("%s: migration %s: expected number %04d", pkg, base, len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no migrations", pkg)
	}
	return ms, nil
}
