package migrations_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/internal/migrations"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	ms, err := migrations.Load(fstest.MapFS{
		"migrations/0002_more.sql": {Data: []byte("B")},
		"migrations/0001_init.sql": {Data: []byte("A")},
		"migrations/README":        {Data: []byte("not a migration")},
	}, "test")
	require.NoError(t, err)
	require.Equal(t, []migrations.Migration{{Version: 1, Name: "0001_init.sql", SQL: "A"}, {Version: 2, Name: "0002_more.sql", SQL: "B"}}, ms)

	for name, files := range map[string]fstest.MapFS{
		"none":       {},
		"gap":        {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"not first":  {"migrations/0002_b.sql": {}},
		"bad name":   {"migrations/01_a.sql": {}},
		"no number":  {"migrations/init.sql": {}},
		"duplicated": {"migrations/0001_a.sql": {}, "migrations/0001_b.sql": {}},
	} {
		_, err := migrations.Load(files, "test")
		require.Error(t, err, name)
	}
}
