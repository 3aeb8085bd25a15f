package passport

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// badge describes an Open Badges 3.0 credential for tests; json renders it
// the way issuers do (with a proof block, so sizes are realistic).
type badge struct {
	credID      string
	id, name    string
	achType     string
	issuerID    string
	issuerName  string
	validFrom   string
	validUntil  string
	activityEnd string
	tags        []string
	field       string
	align       []map[string]any
	results     []map[string]any
	rds         []map[string]any
	related     []string
	noProof     bool
}

func (b badge) doc() map[string]any {
	ach := map[string]any{
		"id":   orDefault(b.id, "https://example.edu/achievements/"+normName(b.name)),
		"type": []any{"Achievement"},
		"name": b.name,
		"criteria": map[string]any{
			"narrative": "Learners complete the assessed tasks of " + b.name + ".",
		},
		"description": "Recognises " + b.name + ".",
	}
	if b.achType != "" {
		ach["achievementType"] = b.achType
	}
	if len(b.tags) > 0 {
		ach["tag"] = toAny(b.tags)
	}
	if b.field != "" {
		ach["fieldOfStudy"] = b.field
	}
	if len(b.align) > 0 {
		ach["alignment"] = mapsAny(b.align)
	}
	if len(b.rds) > 0 {
		ach["resultDescription"] = mapsAny(b.rds)
	}
	if len(b.related) > 0 {
		var rel []any
		for _, r := range b.related {
			rel = append(rel, map[string]any{"id": r, "type": []any{"Related"}})
		}
		ach["related"] = rel
	}
	subj := map[string]any{
		"id":          "did:example:learner",
		"type":        []any{"AchievementSubject"},
		"achievement": ach,
	}
	if b.activityEnd != "" {
		subj["activityEndDate"] = b.activityEnd
	}
	if len(b.results) > 0 {
		subj["result"] = mapsAny(b.results)
	}
	issuer := orDefault(b.issuerID, "did:web:issuer.example")
	d := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2",
			"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":                orDefault(b.credID, "urn:uuid:"+normName(b.name)),
		"type":              []any{"VerifiableCredential", "OpenBadgeCredential"},
		"name":              b.name,
		"issuer":            map[string]any{"id": issuer, "type": []any{"Profile"}, "name": orDefault(b.issuerName, "Example Issuer")},
		"validFrom":         orDefault(b.validFrom, "2025-01-01T00:00:00Z"),
		"credentialSubject": subj,
	}
	if b.validUntil != "" {
		d["validUntil"] = b.validUntil
	}
	if !b.noProof {
		d["proof"] = []any{map[string]any{
			"type":               "DataIntegrityProof",
			"cryptosuite":        "eddsa-rdfc-2022",
			"created":            orDefault(b.validFrom, "2025-01-01T00:00:00Z"),
			"verificationMethod": issuer + "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
			"proofPurpose":       "assertionMethod",
			"proofValue":         "z41ZsNkz78FHSGkAD5J4b8EN49DkywMMJSL3UdUNffbsCAWmTLPvtnJpd3JGGooYX7TNrzgsTLkXUWiGsRRZ788ML",
		}}
	}
	return d
}

func (b badge) json(t testing.TB) []byte {
	t.Helper()
	out, err := json.Marshal(b.doc())
	require.NoError(t, err)
	return out
}

// verified is the verdict of a credential that verified.
var verified = Verdict{Verified: true, Signature: "ok", Validity: "ok", Status: "none"}

func (b badge) cred(t testing.TB, record string) Credential {
	return Credential{RecordID: record, JSON: b.json(t), Verdict: verified}
}

// entry is the badge as the wallet hands it to the passport: normalised
// once, with its verdict.
func (b badge) entry(t testing.TB, record string) Entry { return entryOf(t, b.cred(t, record)) }

// record is the badge normalised.
func (b badge) record(t testing.TB, record string) Record {
	t.Helper()
	rec, err := Normalize(b.cred(t, record))
	require.NoError(t, err)
	return rec
}

func entryOf(t testing.TB, c Credential) Entry {
	t.Helper()
	rec, err := Normalize(c)
	require.NoError(t, err, c.RecordID)
	return Entry{Record: &rec, Verdict: c.Verdict}
}

// entries normalises credentials as the wallet does when it stores them.
func entries(t testing.TB, creds []Credential) []Entry {
	t.Helper()
	out := make([]Entry, len(creds))
	for i, c := range creds {
		out[i] = entryOf(t, c)
	}
	return out
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func mapsAny(ms []map[string]any) []any {
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
	}
	return out
}

func align(name, framework, code, url string) map[string]any {
	m := map[string]any{"type": []any{"Alignment"}, "targetName": name}
	if framework != "" {
		m["targetFramework"] = framework
	}
	if code != "" {
		m["targetCode"] = code
	}
	if url != "" {
		m["targetUrl"] = url
	}
	return m
}

func sfwAlign(name, code string) map[string]any {
	return align(name, "SkillsFuture Skills Framework", code, "")
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ob30", name))
	require.NoError(t, err)
	return b
}

func clock(y int, m time.Month, d int) func() time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return func() time.Time { return t }
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func skillByKey(t testing.TB, v []SkillView, key string) SkillView {
	t.Helper()
	for _, s := range v {
		if s.Key == key {
			return s
		}
	}
	require.Failf(t, "skill not found", "no skill %q among %d", key, len(v))
	return SkillView{}
}

// corpus makes n varied credentials, deterministically: 400 achievements over
// 300 skills (SkillsFuture codes, ESCO URIs, named skills), 40 issuers,
// results with levels, dates over five years.
func corpus(t testing.TB, n int, seed uint64) []Credential {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	sectors := []string{"ICT-DIT", "ICT-SNA", "FSE-RMC", "ACC-BSM", "HRS-TAL"}
	types := []string{"Badge", "Course", "Certificate", "Competency", "Assessment", "MicroCredential"}
	medals := []string{"Bronze", "Silver", "Gold"}
	out := make([]Credential, n)
	for i := range n {
		a := r.IntN(400)
		b := badge{
			credID:     fmt.Sprintf("urn:uuid:cred-%d", i),
			id:         fmt.Sprintf("https://issuer%d.example/achievements/%d", a%40, a),
			name:       fmt.Sprintf("Achievement %d", a),
			achType:    types[a%len(types)],
			issuerID:   fmt.Sprintf("did:web:issuer%d.example", a%40),
			issuerName: fmt.Sprintf("Issuer %d", a%40),
			validFrom: time.Date(2021+r.IntN(5), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0,
				time.UTC).Format(time.RFC3339),
			tags: []string{"skills", fmt.Sprintf("topic %d", a%17)},
		}
		if a%3 == 0 {
			b.name += " " + medals[r.IntN(3)]
		}
		// One to three skills per achievement, always the same ones.
		for k := range 1 + a%3 {
			s := (a*7 + k*131) % 300
			var al map[string]any
			switch {
			case s < 150:
				code := fmt.Sprintf("%s-%d%03d-1.1", sectors[s%len(sectors)], 1+r.IntN(6), s)
				al = sfwAlign(fmt.Sprintf("TSC %d", s), code)
			case s < 225:
				al = align(fmt.Sprintf("ESCO skill %d", s), "ESCO", "",
					fmt.Sprintf("http://data.europa.eu/esco/skill/%08d-0000-4000-8000-000000000000", s))
			default:
				al = align(fmt.Sprintf("Skill %d", s), "", "", "")
			}
			if r.IntN(2) == 0 {
				b.align = append(b.align, al)
			} else {
				b.results = append(b.results, map[string]any{"type": []any{"Result"},
					"alignment": []any{al}, "value": fmt.Sprintf("Level %d", 1+r.IntN(3))})
			}
		}
		if r.IntN(10) == 0 {
			b.validUntil = time.Date(2026, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
		}
		out[i] = b.cred(t, fmt.Sprintf("rec-%06d", i))
	}
	return out
}

// clrCorpus makes n CLRs, each unpacking three of six modules that stack
// into one of two certificates, with precedes, replacedBy and related
// editions between them, so that records share stacks and aliases.
func clrCorpus(t testing.TB, n int) []Credential {
	t.Helper()
	mod := func(i int) string { return fmt.Sprintf("https://college.example/ach/m%d", i%6) }
	out := make([]Credential, n)
	for i := range n {
		cert := fmt.Sprintf("https://college.example/ach/cert%d", i%2)
		c := clrCredential(t, [][2]string{{mod(i), fmt.Sprintf("Module %d", i%6)}, {mod(i + 1), fmt.Sprintf("Module %d", (i+1)%6)},
			{mod(i + 2), fmt.Sprintf("Module %d", (i+2)%6)}},
			map[string]string{cert: fmt.Sprintf("Certificate %d (CLR %d)", i%2, i)},
			[][3]string{{"isChildOf", mod(i), cert}, {"isParentOf", cert, mod(i + 1)}, {"isPartOf", mod(i + 3), cert},
				{"precedes", mod(i), mod(i + 1)}, {"replacedBy", mod(i+4) + "-old", mod(i + 4)}})
		c.RecordID = fmt.Sprintf("clr-%03d", i)
		out[i] = c
	}
	return out
}

// removalOrder is a deterministic permutation of 0..n-1.
func removalOrder(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 11)).Perm(n)
}
