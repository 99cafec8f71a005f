package applicant

import (
	"testing"
)

// BenchmarkValidate measures the intake path of one live-site application
// with two companions: schema check, normalisation, validation and
// eligibility.
func BenchmarkValidate(b *testing.B) {
	s := LiveSiteSchema()
	f := liveSiteForm()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Validate(ChannelWeb, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIntakeKeys measures what a store needs after validation: the
// personal-data blob, identity keys and search keys.
func BenchmarkIntakeKeys(b *testing.B) {
	s := LiveSiteSchema()
	a, err := s.Validate(ChannelWeb, liveSiteForm())
	if err != nil {
		b.Fatal(err)
	}
	a.Receipt = "LS-0000174"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.PersonalData(s); err != nil {
			b.Fatal(err)
		}
		if _, err := s.IdentityKeys(a, secret); err != nil {
			b.Fatal(err)
		}
		if _, err := s.SearchKeys(a, secret); err != nil {
			b.Fatal(err)
		}
	}
}
