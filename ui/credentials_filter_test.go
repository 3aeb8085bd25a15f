package ui

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// TestCredentialsSortAndFilter imports five credentials from three issuers
// with different verdicts and checks that each sort and filter (alone and
// with the search) changes the listed rows as a learner would expect.
func TestCredentialsSortAndFilter(t *testing.T) {
	_, ap := openApp(t, "simple.json", "complete.json", "simple-err-expired.json", "simple-did-key-method.json", "simple_v1.json")
	c := ap.Credentials()
	require.Len(t, c.Shown(), 5)

	const degree = "1EdTech University Degree for Example Student"
	names := func() []string {
		var out []string
		for _, s := range c.Shown() {
			out = append(out, s.Name)
		}
		return out
	}
	issuers := func() []string {
		var out []string
		for _, s := range c.Shown() {
			out = append(out, issuerOf(s))
		}
		return out
	}
	reset := func() {
		c.Search().SetText("")
		c.Sort().SetSelectedIndex(0)
		c.IssuerFilter().SetSelectedIndex(0)
		c.CategoryFilter().SetSelectedIndex(0)
		c.StatusFilter().SetSelectedIndex(0)
	}

	// Newest first by default: "test 1" (issued 2022) leads, the rest are 2010.
	require.Equal(t, "Newest first", c.Sort().Selected)
	require.Equal(t, "test 1", names()[0])
	for i := 1; i < len(c.Shown()); i++ {
		require.False(t, c.Shown()[i].ValidFrom.After(c.Shown()[i-1].ValidFrom), "newest first")
	}
	require.Equal(t, []string{"All issuers", "1EdTech University", "Andy F. Miller", "Example Corp"}, c.IssuerFilter().Options)
	require.Contains(t, c.CategoryFilter().Options, "Functional / Technical")

	tests := []struct {
		name   string
		set    func()
		want   int
		check  func(t *testing.T)
		status int
	}{
		{name: "oldest first", set: func() { c.Sort().SetSelected("Oldest first") }, want: 5,
			check: func(t *testing.T) { require.Equal(t, "test 1", names()[4]) }},
		{name: "by name", set: func() { c.Sort().SetSelected("Name (A–Z)") }, want: 5,
			check: func(t *testing.T) {
				require.Equal(t, []string{degree, "Teamwork Badge", "Teamwork Badge", "Teamwork Badge", "test 1"}, names())
			}},
		{name: "by issuer", set: func() { c.Sort().SetSelected("Issuer (A–Z)") }, want: 5,
			check: func(t *testing.T) {
				require.Equal(t, []string{"1EdTech University", "Andy F. Miller", "Example Corp", "Example Corp", "Example Corp"}, issuers())
			}},
		{name: "issuer", set: func() { c.IssuerFilter().SetSelected("Example Corp") }, want: 3,
			check: func(t *testing.T) {
				require.Equal(t, []string{"Example Corp", "Example Corp", "Example Corp"}, issuers())
			}},
		{name: "category", set: func() { c.CategoryFilter().SetSelected("Functional / Technical") }, want: 1,
			check: func(t *testing.T) { require.Equal(t, []string{"test 1"}, names()) }},
		{name: "status verified", set: func() { c.StatusFilter().SetSelected("Verified") }, want: 3, status: StatusVerified},
		{name: "status revoked or expired", set: func() { c.StatusFilter().SetSelected("Revoked or expired") }, want: 1, status: StatusRevokedExpired,
			check: func(t *testing.T) { require.Equal(t, "expired", c.Shown()[0].Checks.Validity) }},
		{name: "status unknown", set: func() { c.StatusFilter().SetSelected("Status unknown") }, want: 1, status: StatusUnknown,
			check: func(t *testing.T) { require.Equal(t, []string{degree}, names()) }},
		{name: "not verified: none stored", set: func() { c.StatusFilter().SetSelected("Not verified") }, want: 0},
		{name: "issuer and status", set: func() {
			c.IssuerFilter().SetSelected("Example Corp")
			c.StatusFilter().SetSelected("Verified")
		}, want: 2, status: StatusVerified},
		{name: "category and search", set: func() {
			c.CategoryFilter().SetSelected("Leadership & Behavioural")
			c.Search().SetText("degree")
		}, want: 0},
		{name: "search and issuer", set: func() {
			c.Search().SetText("teamwork")
			c.IssuerFilter().SetSelected("1EdTech University")
		}, want: 0},
		{name: "search and sort", set: func() {
			c.Search().SetText("badge")
			c.Sort().SetSelected("Oldest first")
		}, want: 3, check: func(t *testing.T) {
			require.Equal(t, []string{"Teamwork Badge", "Teamwork Badge", "Teamwork Badge"}, names())
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reset()
			require.Len(t, c.Shown(), 5)
			tc.set()
			require.Len(t, c.Shown(), tc.want)
			require.Equal(t, tc.want, c.List().Length(), "the list widget shows the filtered rows")
			if tc.status != 0 {
				for _, s := range c.Shown() {
					require.Equal(t, tc.status, StatusGroup(s), s.Name)
				}
			}
			if tc.check != nil {
				tc.check(t)
			}
		})
	}
	reset()
	require.Len(t, c.Shown(), 5)
}

// TestStatusGroup checks the verdict groups of the status filter.
func TestStatusGroup(t *testing.T) {
	tests := []struct {
		name string
		s    wallet.Summary
		want int
	}{
		{"verified", wallet.Summary{Verified: true, Checks: wallet.Checks{Signature: "ok", Validity: "ok", Status: "none"}}, StatusVerified},
		{"bad signature", wallet.Summary{Checks: wallet.Checks{Signature: "invalid", Validity: "ok"}}, StatusNotVerified},
		{"issuer mismatch", wallet.Summary{Checks: wallet.Checks{Signature: "ok", Issuer: "mismatch"}}, StatusNotVerified},
		{"revoked", wallet.Summary{Checks: wallet.Checks{Signature: "ok", Status: "revoked"}}, StatusRevokedExpired},
		{"expired", wallet.Summary{Checks: wallet.Checks{Signature: "ok", Validity: "expired"}}, StatusRevokedExpired},
		{"status unknown", wallet.Summary{Checks: wallet.Checks{Signature: "ok", Validity: "ok", Status: "unknown"}}, StatusUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, StatusGroup(tc.s)) })
	}
}
