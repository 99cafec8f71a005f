package retention_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/retention"
)

// The responsible person's name is personal data: certificates state it
// (that is their purpose), but no fmt verb and no slog handler prints it.
func TestNoVerbOrLogPrintsTheName(t *testing.T) {
	t.Parallel()
	const name = "山田 花子"
	req := request()
	require.Equal(t, name, req.PerformedBy.Name)
	done, err := retention.Apply(context.Background(), newEraser(), start(t), ticking(at(2025, 3, 2, 10, 0, 0)))
	require.NoError(t, err)
	c, err := done.Certificate(at(2025, 3, 2, 11, 0, 0))
	require.NoError(t, err)
	signed, err := c.ClearSign(&recordingSigner{}, retention.Japanese)
	require.NoError(t, err)
	b := retention.NewBundle(c, signed, nil)
	require.Contains(t, b.Signed, name, "the signed text states the name")

	values := map[string]any{
		"Person": req.PerformedBy, "*Person": &req.PerformedBy,
		"Request": req, "*Request": &req,
		"Erasure": *done, "*Erasure": done,
		"Certificate": *c, "*Certificate": c,
		"Bundle": *b, "*Bundle": b,
	}
	for label, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, "山田", "%s %s", label, verb)
			require.NotContains(t, out, "花子", "%s %s", label, verb)
			require.NotContains(t, out, fmt.Sprintf("%x", "山田"), "%s %s", label, verb)
		}
		var text, js bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("erasure", "v", v)
		slog.New(slog.NewJSONHandler(&js, nil)).Info("erasure", "v", v)
		for _, out := range []string{text.String(), js.String()} {
			require.NotContains(t, out, "山田", label)
			require.NotContains(t, out, `\u5c71`, label) // 山 escaped
		}
	}
	// And the redacted output still says who, by ID.
	require.Contains(t, fmt.Sprint(req.PerformedBy), "resp-01")
}
