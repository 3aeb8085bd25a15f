package passport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIssuerNames(t *testing.T) {
	tests := []struct {
		name string
		in   []Issuer
		want []string
	}{
		{"none", nil, []string{}},
		{"names once, in order", []Issuer{{ID: "a", Name: "Example Corp"}, {ID: "b", Name: "Acme"}, {ID: "c", Name: "Example Corp"}}, []string{"Example Corp", "Acme"}},
		{"id when no name", []Issuer{{ID: "did:key:z6Mk"}, {ID: "https://x", Name: "X"}}, []string{"did:key:z6Mk", "X"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, SkillView{Issuers: tc.in}.IssuerNames())
		})
	}
}
