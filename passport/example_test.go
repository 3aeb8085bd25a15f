package passport_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/skillpass/skillpass/passport"
)

func Example() {
	raw, err := os.ReadFile("../testdata/ob30/simple.json") // the 1EdTech "Teamwork" badge
	if err != nil {
		panic(err)
	}
	role, err := passport.ParseRole(strings.NewReader(`{"role": "Team Lead", "skills": [
		{"name": "Teamwork", "minLevel": "Silver"},
		{"name": "Budgeting"}]}`))
	if err != nil {
		panic(err)
	}
	// When the wallet stores the credential, it normalises it once and
	// keeps the record next to it.
	rec, err := passport.Normalize(passport.Credential{RecordID: "simple", JSON: raw})
	if err != nil {
		panic(err)
	}
	stored, err := passport.EncodeRecord(&rec)
	if err != nil {
		panic(err)
	}

	// The passport is built from the stored records and the current
	// verdicts; no credential JSON is read.
	loaded, err := passport.DecodeRecord(stored)
	if err != nil {
		panic(err)
	}
	now := func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }
	p := passport.Build([]passport.Entry{{Record: &loaded, Verdict: passport.Verdict{Verified: true}}},
		passport.Options{Now: now})
	for _, s := range p.Skills() {
		fmt.Printf("%s: %s, %s (%.2f), %s since %s\n", s.Name, s.Category.Label(), s.Level.Label, s.Level.Value,
			s.Freshness.State, s.LastEvidenced.Format("2006"))
	}
	g := p.Gaps(role)
	for _, s := range g.Skills {
		fmt.Printf("%s: %s\n", s.Name, s.Status)
	}
	fmt.Printf("match %d%%\n", g.Percent)
	// Output:
	// Teamwork: Leadership & Behavioural, Awarded (0.50), stale since 2010
	// Teamwork: below
	// Budgeting: missing
	// match 19%
}
