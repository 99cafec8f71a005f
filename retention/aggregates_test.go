package retention_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuji-go/kuji/retention"
)

func liveDeclared() retention.Declared {
	return retention.Declared{
		Slots:      []string{"2021-07-24/1", "2021-07-24/2", "2021-07-25/1"},
		Categories: []string{"resident", "worker", "student"},
		Channels:   []string{"web", "postcard", "walk-in"},
		Results:    []string{"won", "lost", "waitlisted"},
	}
}

func TestAggregatesCount(t *testing.T) {
	t.Parallel()
	a, err := retention.NewAggregates(liveDeclared())
	require.NoError(t, err)
	adds := []retention.CellCount{
		{Cell: retention.Cell{Slot: "2021-07-24/1", Category: "resident", Channel: "web", Result: "won"}, Count: 40},
		{Cell: retention.Cell{Slot: "2021-07-24/1", Category: "resident", Channel: "postcard", Result: "won"}, Count: 10},
		{Cell: retention.Cell{Slot: "2021-07-24/1", Category: "resident", Channel: "web", Result: "lost"}, Count: 25},
		{Cell: retention.Cell{Slot: "2021-07-24/2", Category: "worker", Channel: "web", Result: "won"}, Count: 7},
		{Cell: retention.Cell{Slot: "2021-07-24/1", Channel: "walk-in"}, Count: 12},
		{Cell: retention.Cell{Slot: "2021-07-24/1", Category: "resident", Channel: "web", Result: "won"}, Count: 2},
	}
	for _, x := range adds {
		require.NoError(t, a.Add(x.Cell, x.Count))
	}
	require.Equal(t, int64(96), a.Count(retention.Cell{}))
	require.Equal(t, int64(89), a.Count(retention.Cell{Slot: "2021-07-24/1"}))
	require.Equal(t, int64(52), a.Count(retention.Cell{Slot: "2021-07-24/1", Result: "won"}))
	require.Equal(t, int64(59), a.Count(retention.Cell{Result: "won"}))
	require.Equal(t, int64(12), a.Count(retention.Cell{Channel: "walk-in"}))
	require.Equal(t, int64(0), a.Count(retention.Cell{Slot: "2021-07-25/1"}))
	require.Len(t, a.Cells(), 5, "the same cell added twice is one cell")
	var counts []int64
	for _, c := range a.Cells() {
		counts = append(counts, c.Count)
	}
	// By slot, then category ("" first), channel and result, as bytes.
	require.Equal(t, []int64{12, 10, 25, 42, 7}, counts)

	data, err := json.Marshal(a)
	require.NoError(t, err)
	var b retention.Aggregates
	require.NoError(t, json.Unmarshal(data, &b))
	require.Equal(t, a.Cells(), b.Cells())
	require.Equal(t, a.Declared(), b.Declared())
	again, err := json.Marshal(&b)
	require.NoError(t, err)
	require.Equal(t, string(data), string(again))
}

// Values that carry personal data, or could, must never become keys.
var personalValues = []string{
	"山田太郎", "ヤマダ タロウ", "Taro Yamada", "yamada@example.jp", "090-1234-5678", "0312345678",
	"+81-90-1234-5678", "東京都新宿区西新宿2-8-1", "tanaka\n", "", strings.Repeat("a", 65), "-leading", "a b",
}

func TestAggregatesRefuseKeysThatCouldBePersonal(t *testing.T) {
	t.Parallel()
	for _, v := range personalValues {
		d := liveDeclared()
		d.Slots = append(d.Slots, v)
		_, err := retention.NewAggregates(d)
		var errs retention.Errors
		require.ErrorAs(t, err, &errs, "%q declared", v)
		require.Equal(t, "declared.slot", errs[0].Field)
		require.Equal(t, 3, errs[0].Index)
		if v != "" {
			require.NotContains(t, err.Error(), v)
		}
	}
	a, err := retention.NewAggregates(liveDeclared())
	require.NoError(t, err)
	for _, v := range append(personalValues, "2021-07-26/1", "visitor") {
		for _, c := range []retention.Cell{{Slot: v}, {Category: v}, {Channel: v}, {Result: v}} {
			if v == "" {
				continue
			}
			err := a.Add(c, 1)
			require.ErrorIs(t, err, retention.ErrInvalid, "%+v", c)
			var e *retention.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, retention.ReasonUndeclared, e.Reason)
		}
	}
	require.Equal(t, int64(0), a.Count(retention.Cell{}), "nothing was added")
	require.ErrorIs(t, a.Add(retention.Cell{Slot: "2021-07-24/1"}, -1), retention.ErrInvalid)

	_, err = retention.NewAggregates(retention.Declared{Results: []string{"won", "won"}})
	require.ErrorIs(t, err, retention.ErrInvalid)
}

func TestAggregatesJSONRefusesInjectedValues(t *testing.T) {
	t.Parallel()
	a, err := retention.NewAggregates(liveDeclared())
	require.NoError(t, err)
	require.NoError(t, a.Add(retention.Cell{Slot: "2021-07-24/1", Result: "won"}, 3))
	data, err := json.Marshal(a)
	require.NoError(t, err)
	for _, edit := range []func(string) string{
		func(s string) string { return strings.Replace(s, `"result":"won"`, `"result":"yamada@example.jp"`, 1) },
		func(s string) string { return strings.Replace(s, `"resident"`, `"山田太郎"`, 1) },
		func(s string) string { return strings.Replace(s, `"count":3`, `"count":3,"name":"山田"`, 1) },
		func(s string) string { return strings.Replace(s, `"count":3`, `"count":-3`, 1) },
		func(s string) string { return strings.Replace(s, `"count":3`, `"count":3.5`, 1) },
		func(s string) string { return strings.Replace(s, `aggregates/v1`, `aggregates/v0`, 1) },
	} {
		var b retention.Aggregates
		edited := edit(string(data))
		require.NotEqual(t, string(data), edited)
		require.ErrorIs(t, json.Unmarshal([]byte(edited), &b), retention.ErrInvalid, edited)
	}
}

// TestAggregatesHoldNoPersonalField walks the types reachable from
// Aggregates: nothing but strings, integer counts and containers of them,
// no byte slices, interfaces, floats or times; every string is a declared
// value or a dimension value checked against the declared set (the tests
// above show that every way in is checked).
func TestAggregatesHoldNoPersonalField(t *testing.T) {
	t.Parallel()
	var strs []string
	var walk func(reflect.Type, string, map[reflect.Type]bool)
	walk = func(ty reflect.Type, path string, seen map[reflect.Type]bool) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				walk(f.Type, path+"."+f.Name, seen)
			}
		case reflect.Map:
			walk(ty.Key(), path+"[key]", seen)
			walk(ty.Elem(), path+"[]", seen)
		case reflect.Slice, reflect.Array, reflect.Pointer:
			require.NotEqual(t, reflect.Uint8, ty.Elem().Kind(), "%s: bytes could carry anything", path)
			walk(ty.Elem(), path+"[]", seen)
		case reflect.String:
			strs = append(strs, path)
		case reflect.Int64, reflect.Bool:
		default:
			t.Errorf("%s: %s may not be in aggregates", path, ty)
		}
	}
	walk(reflect.TypeFor[retention.Aggregates](), "Aggregates", map[reflect.Type]bool{})
	walk(reflect.TypeFor[retention.CellCount](), "CellCount", map[reflect.Type]bool{})
	require.NotEmpty(t, strs)
	for _, p := range strs {
		ok := strings.Contains(p, ".declared.") || strings.Contains(p, ".sets") ||
			strings.Contains(p, ".counts[key]") || strings.HasPrefix(p, "CellCount.Cell.")
		require.True(t, ok, "unexpected string field %s", p)
	}
}
