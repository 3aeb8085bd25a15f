package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/framework"
	"github.com/skillpass/skillpass/wallet/store"
)

const (
	// bucketFrameworks holds one FrameworkInfo per imported skills
	// framework, keyed by its name: small, so that listing reads little.
	bucketFrameworks = "frameworks"
	// bucketFrameworkData holds each framework's roles under "roles/NAME"
	// and its skills under "skills/NAME" (storedFramework each), apart so
	// that the passport's catalogue reads the skills only.
	bucketFrameworkData = "framework-data"
	// frameworkDataVersion is the version of storedFramework.
	frameworkDataVersion = 1
	// maxFrameworkName bounds a framework's name, in bytes.
	maxFrameworkName = 100
)

var (
	// ErrNoFramework is returned when no imported framework has the name.
	ErrNoFramework = errors.New("no such skills framework")
	// ErrFrameworkName is returned for an empty or unusable framework name.
	ErrFrameworkName = errors.New("invalid skills framework name")
)

// FrameworkInfo describes an imported skills framework.
type FrameworkInfo struct {
	Name     string    `json:"name"`
	Source   string    `json:"source,omitempty"` // the file it came from
	SHA256   string    `json:"sha256,omitempty"` // of that file
	Imported time.Time `json:"imported"`
	Roles    int       `json:"roles"`
	Skills   int       `json:"skills"`
	Rows     int       `json:"rows"`
	Sectors  []string  `json:"sectors"`
}

// storedFramework is a value of bucketFrameworkData: the framework with
// only its roles (under "roles/NAME") or only its skills ("skills/NAME").
type storedFramework struct {
	Version   int                  `json:"version"`
	Framework *framework.Framework `json:"framework"`
}

func rolesKey(name string) string  { return "roles/" + name }
func skillsKey(name string) string { return "skills/" + name }

// FrameworkRole is a job role found in an imported framework.
type FrameworkRole struct {
	// Framework is the name of the framework that holds the role.
	Framework string
	Role      framework.Role
	// Profile is the role as a passport role profile.
	Profile passport.Role
}

// checkFrameworkName refuses empty, overlong or control-character names.
func checkFrameworkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("%w: the name is empty", ErrFrameworkName)
	}
	if len(name) > maxFrameworkName {
		return fmt.Errorf("%w: longer than %d bytes", ErrFrameworkName, maxFrameworkName)
	}
	if strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %q holds a control character", ErrFrameworkName, name)
	}
	return nil
}

// ImportFramework stores fw (read with framework.Read) under name, replacing
// a framework of the same name; source names the file it came from. It
// reports what was stored and whether a framework was replaced. The import
// goes into the activity log in the same transaction.
func (w *Wallet) ImportFramework(name, source string, fw *framework.Framework) (FrameworkInfo, bool, error) {
	if err := checkFrameworkName(name); err != nil {
		return FrameworkInfo{}, false, fmt.Errorf("import framework: %w", err)
	}
	if fw == nil || len(fw.Roles) == 0 {
		return FrameworkInfo{}, false, fmt.Errorf("import framework %s: %w", name, framework.ErrEmpty)
	}
	release, err := w.use()
	if err != nil {
		return FrameworkInfo{}, false, err
	}
	defer release()
	info := FrameworkInfo{Name: name, Source: source, SHA256: fw.SHA256, Imported: w.now().UTC(),
		Roles: len(fw.Roles), Skills: len(fw.Skills), Rows: fw.Rows, Sectors: fw.Sectors()}
	meta, err := json.Marshal(info)
	if err != nil {
		return FrameworkInfo{}, false, fmt.Errorf("import framework %s: %w", name, err)
	}
	roles := *fw
	roles.Skills = nil
	rolesData, err := json.Marshal(storedFramework{Version: frameworkDataVersion, Framework: &roles})
	if err != nil {
		return FrameworkInfo{}, false, fmt.Errorf("import framework %s: %w", name, err)
	}
	skillsData, err := json.Marshal(storedFramework{Version: frameworkDataVersion, Framework: &framework.Framework{Skills: fw.Skills}})
	if err != nil {
		return FrameworkInfo{}, false, fmt.Errorf("import framework %s: %w", name, err)
	}
	replaced := false
	err = w.db.Update(func(tx *store.Tx) error {
		switch _, err := tx.Get(bucketFrameworks, name); {
		case err == nil:
			replaced = true
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := tx.Put(bucketFrameworks, name, meta); err != nil {
			return err
		}
		if err := tx.Put(bucketFrameworkData, rolesKey(name), rolesData); err != nil {
			return err
		}
		if err := tx.Put(bucketFrameworkData, skillsKey(name), skillsData); err != nil {
			return err
		}
		detail := fmt.Sprintf("skills framework %q: %d job roles, %d skills", name, info.Roles, info.Skills)
		if replaced {
			detail += " (replaced the one of that name)"
		}
		_, err := appendActivity(tx, Entry{Time: info.Imported, Action: ActionImport, Outcome: OutcomeStored,
			Name: name, Source: source, Detail: detail})
		return err
	})
	if err != nil {
		return FrameworkInfo{}, false, fmt.Errorf("import framework %s: %w", name, err)
	}
	return info, replaced, nil
}

// Frameworks lists the imported frameworks by name.
func (w *Wallet) Frameworks() ([]FrameworkInfo, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var out []FrameworkInfo
	err = w.db.View(func(tx *store.Tx) error {
		return tx.ForEach(bucketFrameworks, func(name string, v []byte) error {
			var fi FrameworkInfo
			if err := json.Unmarshal(v, &fi); err != nil {
				return fmt.Errorf("read framework %s: %w", name, err)
			}
			out = append(out, fi)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list frameworks: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Framework returns the imported framework called name (ErrNoFramework when
// there is none).
func (w *Wallet) Framework(name string) (*framework.Framework, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var fw *framework.Framework
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		fw, err = loadFramework(tx, name, true, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load framework: %w", err)
	}
	return fw, nil
}

// DeleteFramework removes the framework called name (ErrNoFramework when
// there is none).
func (w *Wallet) DeleteFramework(name string) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	err = w.db.Update(func(tx *store.Tx) error {
		if _, err := tx.Get(bucketFrameworks, name); errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: %q", ErrNoFramework, name)
		} else if err != nil {
			return err
		}
		if err := tx.Delete(bucketFrameworks, name); err != nil {
			return err
		}
		for _, k := range []string{rolesKey(name), skillsKey(name)} {
			if err := tx.Delete(bucketFrameworkData, k); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		_, err := appendActivity(tx, Entry{Time: w.now(), Action: ActionDelete, Outcome: OutcomeDone,
			Name: name, Detail: fmt.Sprintf("skills framework %q", name)})
		return err
	})
	if err != nil {
		return fmt.Errorf("delete framework: %w", err)
	}
	return nil
}

// loadFramework reads the framework called name: its roles when roles is
// true, its skills when skills is.
func loadFramework(tx *store.Tx, name string, roles, skills bool) (*framework.Framework, error) {
	out := &framework.Framework{}
	for _, part := range []struct {
		want bool
		key  string
	}{{roles, rolesKey(name)}, {skills, skillsKey(name)}} {
		if !part.want {
			continue
		}
		v, err := tx.Get(bucketFrameworkData, part.key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("%w: %q", ErrNoFramework, name)
		}
		if err != nil {
			return nil, err
		}
		var sf storedFramework
		if err := json.Unmarshal(v, &sf); err != nil {
			return nil, fmt.Errorf("read framework %s: %w", name, err)
		}
		if sf.Version != frameworkDataVersion || sf.Framework == nil {
			return nil, fmt.Errorf("framework %s was stored in format %d; import it again", name, sf.Version)
		}
		if part.key == rolesKey(name) { // read first: its Skills are nil
			*out = *sf.Framework
		} else {
			out.Skills = sf.Framework.Skills
		}
	}
	return out, nil
}

// allFrameworks loads every framework, by name, with its roles or its
// skills or both.
func allFrameworks(tx *store.Tx, roles, skills bool) ([]string, []*framework.Framework, error) {
	var names []string
	if err := tx.ForEach(bucketFrameworks, func(name string, _ []byte) error {
		names = append(names, name)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	fws := make([]*framework.Framework, len(names))
	for i, n := range names {
		fw, err := loadFramework(tx, n, roles, skills)
		if err != nil {
			return nil, nil, err
		}
		fws[i] = fw
	}
	return names, fws, nil
}

// FrameworkCatalog returns the skills of every imported framework as one
// passport catalog (nil when there is none), for passport.Options.Catalog.
// Where frameworks name one skill differently, prefer (a framework name,
// or empty) wins; among the others the first by name does.
func (w *Wallet) FrameworkCatalog(prefer string) (passport.Catalog, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var cat passport.Catalog
	err = w.db.View(func(tx *store.Tx) error {
		names, fws, err := allFrameworks(tx, false, true)
		if err != nil || len(fws) == 0 {
			return err
		}
		cat = passport.Catalog{}
		// A later entry's name wins in passport.Catalog.Add: add the others
		// last name first, then the preferred one.
		for i := len(fws) - 1; i >= 0; i-- {
			if names[i] != prefer {
				fws[i].AddTo(cat)
			}
		}
		for i, n := range names {
			if n == prefer {
				fws[i].AddTo(cat)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("framework catalog: %w", err)
	}
	return cat, nil
}

// FrameworkRole finds a job role in the imported frameworks by its code or
// title (case-insensitive; see framework.Framework.Match), or as
// "FRAMEWORK:ROLE" to look in one framework only. A role found nowhere gives
// an error wrapping framework.ErrNoRole that lists near matches (or
// ErrNoFramework when none is imported); a title of several roles one
// wrapping framework.ErrAmbiguousRole that lists their codes.
func (w *Wallet) FrameworkRole(query string) (FrameworkRole, error) {
	release, err := w.use()
	if err != nil {
		return FrameworkRole{}, err
	}
	defer release()
	var names []string
	var fws []*framework.Framework
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		names, fws, err = allFrameworks(tx, true, false)
		return err
	})
	if err != nil {
		return FrameworkRole{}, fmt.Errorf("find role: %w", err)
	}
	if len(fws) == 0 {
		return FrameworkRole{}, fmt.Errorf("find role %q: %w: none imported", query, ErrNoFramework)
	}
	if fw, role, ok := strings.Cut(query, ":"); ok {
		for i, n := range names {
			if strings.EqualFold(n, strings.TrimSpace(fw)) {
				names, fws, query = names[i:i+1], fws[i:i+1], role
				break
			}
		}
	}
	type hit struct {
		fw   string
		role framework.Role
	}
	var hits []hit
	var near []framework.Role
	for i, fw := range fws {
		for _, r := range fw.Match(query) {
			hits = append(hits, hit{names[i], r})
		}
	}
	switch {
	case len(hits) == 1:
		p, err := hits[0].role.Profile()
		if err != nil {
			return FrameworkRole{}, fmt.Errorf("find role: %w", err)
		}
		return FrameworkRole{Framework: hits[0].fw, Role: hits[0].role, Profile: p}, nil
	case len(hits) > 1:
		roles := make([]framework.Role, len(hits))
		for i, h := range hits {
			roles[i] = h.role
			if len(names) > 1 {
				roles[i].Code = h.fw + ":" + h.role.Code
			}
		}
		return FrameworkRole{}, fmt.Errorf("find role: %w", framework.AmbiguousError(query, roles))
	}
	for _, fw := range fws {
		near = append(near, fw.Near(query, 5)...)
	}
	return FrameworkRole{}, fmt.Errorf("find role: %w", framework.NoRoleError(query, near[:min(len(near), 5)]))
}
