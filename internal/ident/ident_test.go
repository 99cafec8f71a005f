package ident_test

import (
	"strings"
	"testing"

	"github.com/kuji-go/kuji/internal/ident"
)

func TestID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]ident.Problem{
		"LS-0001237":                           ident.OK,
		"0190a0b0-0000-7000-8000-000000000001": ident.OK,
		"handler-1":                            ident.OK,
		"slot:2021-07-24:1":                    ident.OK,
		"":                                     ident.Missing,
		"090-1234-5678":                        ident.LooksPersonal,
		"160-0023":                             ident.LooksPersonal,
		"1985-04-01":                           ident.LooksPersonal,
		"4111 1111 1111 1111":                  ident.Malformed,
		"12345678901234567890":                 ident.OK, // 20 digits: no phone or card number
		"山田太郎":                                 ident.Malformed,
		"taro@example.jp":                      ident.Malformed,
		"-leading":                             ident.Malformed,
		"a/b":                                  ident.Malformed,
		strings.Repeat("a", 129):               ident.Malformed,
	} {
		if got := ident.ID(s); got != want {
			t.Errorf("ID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestCodeAndCategory(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]ident.Problem{
		"reception": ident.OK, "infection-tracing": ident.OK, "contact-card": ident.OK,
		"": ident.Missing, "Reception": ident.Malformed, "1st": ident.Malformed, "a b": ident.Malformed,
	} {
		if got := ident.Code(s); got != want {
			t.Errorf("Code(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]ident.Problem{
		"user.contact.phone": ident.OK, "user.name": ident.OK, "": ident.Missing,
		"user.": ident.Malformed, ".user": ident.Malformed, "user..name": ident.Malformed, "User.name": ident.Malformed,
	} {
		if got := ident.Category(s); got != want {
			t.Errorf("Category(%q) = %v, want %v", s, got, want)
		}
	}
}
