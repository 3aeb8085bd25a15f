package issuer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/skillpass/skillpass/passport"
)

// MaxCatalogBytes bounds the catalogue file ParseCatalog reads.
const MaxCatalogBytes = 4 << 20

// ErrInvalidCatalog is wrapped by every error of ParseCatalog and
// LoadCatalog about the catalogue's content; the message says where and why.
var ErrInvalidCatalog = errors.New("invalid catalogue")

// Catalog is what an issuer offers: its public name and the Open Badges 3.0
// achievements it awards, and the pathways they stack into. See the package
// documentation for the file format.
type Catalog struct {
	Issuer       Profile       `json:"issuer"`
	Achievements []Achievement `json:"achievements"`
	Pathways     []Pathway     `json:"pathways,omitempty"`
}

// Profile is how the issuer presents itself in credentials and invitations.
type Profile struct {
	Name  string `json:"name"`
	URL   string `json:"url,omitempty"`
	Email string `json:"email,omitempty"`
}

// Achievement is one Open Badges 3.0 Achievement of the catalogue.
type Achievement struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	Criteria        Criteria    `json:"criteria"`
	Image           string      `json:"image,omitempty"`
	AchievementType string      `json:"achievementType,omitempty"`
	Alignments      []Alignment `json:"alignments,omitempty"`
	Level           string      `json:"level,omitempty"`
	Category        string      `json:"category,omitempty"`
	Tags            []string    `json:"tags,omitempty"`
	// Proof, when set, is how this achievement's credentials are signed
	// ("ed25519", "bbs" or "eddsa-2022"; see Proof), whatever the issuer's
	// default (Options.Proof, serve --proof).
	Proof string `json:"proof,omitempty"`
}

// Criteria says how the achievement is earned: a narrative, a URL, or both.
type Criteria struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

// Alignment ties an achievement to an item of a competency framework.
type Alignment struct {
	TargetName      string `json:"targetName"`
	TargetURL       string `json:"targetUrl"`
	TargetCode      string `json:"targetCode,omitempty"`
	TargetFramework string `json:"targetFramework,omitempty"`
	TargetType      string `json:"targetType,omitempty"`
}

// Pathway is a stack: the achievements that together lead to a bigger one.
type Pathway struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Requires []string `json:"requires"`
}

// achievementTypes are the values of the Open Badges 3.0 AchievementType
// enumeration; extensions start with "ext:".
var achievementTypes = map[string]bool{
	"Achievement": true, "ApprenticeshipCertificate": true, "Assessment": true, "Assignment": true,
	"AssociateDegree": true, "Award": true, "Badge": true, "BachelorDegree": true, "Certificate": true,
	"CertificateOfCompletion": true, "Certification": true, "CommunityService": true, "Competency": true,
	"Course": true, "CoCurricular": true, "Degree": true, "Diploma": true, "DoctoralDegree": true,
	"Fieldwork": true, "GeneralEducationDevelopment": true, "JourneymanCertificate": true,
	"LearningProgram": true, "License": true, "Membership": true, "ProfessionalDoctorate": true,
	"QualityAssuranceCredential": true, "MasterCertificate": true, "MasterDegree": true,
	"MicroCredential": true, "ResearchDoctorate": true, "SecondarySchoolDiploma": true,
}

// LoadCatalog reads and checks the catalogue file at path.
func LoadCatalog(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read catalogue: %w", err)
	}
	defer f.Close()
	c, err := ParseCatalog(f)
	if err != nil {
		return nil, fmt.Errorf("catalogue %s: %w", path, err)
	}
	return c, nil
}

// ParseCatalog reads a catalogue (JSON, at most MaxCatalogBytes) and checks
// it: unknown fields, missing or malformed values, duplicate ids and
// pathways that name unknown achievements give an error wrapping
// ErrInvalidCatalog that says where.
func ParseCatalog(r io.Reader) (*Catalog, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxCatalogBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read catalogue: %w", err)
	}
	if len(raw) > MaxCatalogBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidCatalog, MaxCatalogBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCatalog, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: extra data after the JSON object", ErrInvalidCatalog)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the catalogue (see ParseCatalog).
func (c *Catalog) Validate() error {
	bad := func(where, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidCatalog, where, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(c.Issuer.Name) == "" {
		return bad("issuer", "name is missing")
	}
	if c.Issuer.URL != "" && !isWebURL(c.Issuer.URL) {
		return bad("issuer", "url %q is not an http or https URL", c.Issuer.URL)
	}
	if len(c.Achievements) == 0 {
		return bad("achievements", "the catalogue lists no achievement")
	}
	ids := map[string]bool{}
	for i, a := range c.Achievements {
		where := fmt.Sprintf("achievements[%d]", i)
		if a.Name != "" {
			where += " (" + a.Name + ")"
		}
		switch {
		case !isURI(a.ID):
			return bad(where, "id %q is not an absolute URI (https://… or urn:…)", a.ID)
		case ids[a.ID]:
			return bad(where, "id %q is used twice", a.ID)
		case strings.TrimSpace(a.Name) == "":
			return bad(where, "name is missing")
		case strings.TrimSpace(a.Description) == "":
			return bad(where, "description is missing")
		case strings.TrimSpace(a.Criteria.Narrative) == "" && a.Criteria.ID == "":
			return bad(where, "criteria needs a narrative or an id (URL)")
		case a.Criteria.ID != "" && !isURI(a.Criteria.ID):
			return bad(where, "criteria id %q is not an absolute URI", a.Criteria.ID)
		case a.Image != "" && !isWebURL(a.Image):
			return bad(where, "image %q is not an http or https URL", a.Image)
		case a.AchievementType != "" && !achievementTypes[a.AchievementType] && !strings.HasPrefix(a.AchievementType, "ext:"):
			return bad(where, "achievementType %q is not an Open Badges 3.0 achievement type (or an ext: extension)", a.AchievementType)
		}
		ids[a.ID] = true
		if _, err := ParseProof(a.Proof); err != nil {
			return bad(where, "proof: %v", err)
		}
		if a.Level != "" {
			if _, ok := passport.ParseLevel(a.Level); !ok {
				return bad(where, "level %q is not a level Skillpass reads (for example \"Level 2\", \"Gold\", \"Proficiency 3\")", a.Level)
			}
		}
		if a.Category != "" {
			if _, err := passport.ParseCategory(a.Category); err != nil {
				return bad(where, "%v", err)
			}
		}
		for j, al := range a.Alignments {
			aw := fmt.Sprintf("%s.alignments[%d]", where, j)
			switch {
			case strings.TrimSpace(al.TargetName) == "":
				return bad(aw, "targetName is missing")
			case !isURI(al.TargetURL):
				return bad(aw, "targetUrl %q is not an absolute URI", al.TargetURL)
			}
		}
	}
	pids := map[string]bool{}
	for i, p := range c.Pathways {
		where := fmt.Sprintf("pathways[%d]", i)
		switch {
		case strings.TrimSpace(p.ID) == "":
			return bad(where, "id is missing")
		case pids[p.ID]:
			return bad(where, "id %q is used twice", p.ID)
		case strings.TrimSpace(p.Name) == "":
			return bad(where, "name is missing")
		case len(p.Requires) == 0:
			return bad(where, "requires lists no achievement")
		}
		pids[p.ID] = true
		for _, r := range p.Requires {
			if !ids[r] {
				return bad(where, "requires %q, which is not an achievement of the catalogue", r)
			}
		}
	}
	return nil
}

// Achievement returns the achievement with id, or nil.
func (c *Catalog) Achievement(id string) *Achievement {
	for i := range c.Achievements {
		if c.Achievements[i].ID == id {
			return &c.Achievements[i]
		}
	}
	return nil
}

// PassportPathways returns the catalogue's pathways in the pathway file
// format of package passport (passport.ParsePathways), so that a learner's
// wallet can show progress along them.
func (c *Catalog) PassportPathways() ([]byte, error) {
	type req struct {
		Achievement string `json:"achievement"`
		Name        string `json:"name,omitempty"`
	}
	type pw struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Mode     string `json:"mode"`
		Requires []req  `json:"requires"`
	}
	out := struct {
		Pathways []pw `json:"pathways"`
	}{Pathways: []pw{}}
	for _, p := range c.Pathways {
		x := pw{ID: p.ID, Name: p.Name, Mode: "all"}
		for _, r := range p.Requires {
			name := ""
			if a := c.Achievement(r); a != nil {
				name = a.Name
			}
			x.Requires = append(x.Requires, req{Achievement: r, Name: name})
		}
		out.Pathways = append(out.Pathways, x)
	}
	raw, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode pathways: %w", err)
	}
	return raw, nil
}

// openBadge returns the Open Badges 3.0 achievement object of a.
func (a *Achievement) openBadge() map[string]any {
	ach := map[string]any{
		"id":          a.ID,
		"type":        []any{"Achievement"},
		"name":        a.Name,
		"description": a.Description,
	}
	crit := map[string]any{}
	if a.Criteria.ID != "" {
		crit["id"] = a.Criteria.ID
	}
	if a.Criteria.Narrative != "" {
		crit["narrative"] = a.Criteria.Narrative
	}
	ach["criteria"] = crit
	if a.Image != "" {
		ach["image"] = map[string]any{"id": a.Image, "type": "Image"}
	}
	if a.AchievementType != "" {
		ach["achievementType"] = a.AchievementType
	}
	var tags []any
	if a.Category != "" {
		if cat, err := passport.ParseCategory(a.Category); err == nil {
			tags = append(tags, cat.Label())
		}
	}
	for _, t := range a.Tags {
		tags = append(tags, t)
	}
	if len(tags) > 0 {
		ach["tag"] = tags
	}
	if len(a.Alignments) > 0 {
		var als []any
		for _, al := range a.Alignments {
			m := map[string]any{"type": []any{"Alignment"}, "targetName": al.TargetName, "targetUrl": al.TargetURL}
			if al.TargetCode != "" {
				m["targetCode"] = al.TargetCode
			}
			if al.TargetFramework != "" {
				m["targetFramework"] = al.TargetFramework
			}
			if al.TargetType != "" {
				m["targetType"] = al.TargetType
			}
			als = append(als, m)
		}
		ach["alignment"] = als
	}
	return ach
}

// isURI reports whether s is an absolute URI.
func isURI(s string) bool {
	if strings.TrimSpace(s) != s || s == "" {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	switch u.Scheme {
	case "http", "https":
		return u.Host != ""
	}
	return u.Opaque != "" || u.Host != ""
}

// isWebURL reports whether s is an http or https URL.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
