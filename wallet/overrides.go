package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/store"
)

// The learner's passport settings live in one wallet bucket, so that backup
// and restore carry them like any other bucket. A category override is kept
// under "category/" and the skill key as the passport view shows it
// (passport.SkillView.Key); the prefix leaves room for other passport
// settings in the same bucket.
const (
	bucketPassportSettings = "passport-settings"
	categoryKeyPrefix      = "category/"
	// maxNearSkills bounds the near matches an unknown skill's error lists.
	maxNearSkills = 5
)

var (
	// ErrUnknownSkill is wrapped by the error SetCategory returns for a
	// skill the passport does not hold (see UnknownSkillError).
	ErrUnknownSkill = errors.New("no such skill in the passport")
	// ErrAmbiguousSkill is wrapped by the error SetCategory and
	// ClearCategory return for a name that several skills have.
	ErrAmbiguousSkill = errors.New("several skills have that name")
	// ErrNoOverride is wrapped by the error ClearCategory returns for a
	// skill the learner has not put in a category.
	ErrNoOverride = errors.New("no category override for that skill")
)

// UnknownSkillError is the error for a skill the passport does not hold. It
// lists the skills whose key or name comes close, closest first, and wraps
// ErrUnknownSkill.
type UnknownSkillError struct {
	// Skill is what the caller asked for.
	Skill string
	// Near are close skills of the passport, at most five.
	Near []passport.SkillView
}

func (e *UnknownSkillError) Error() string {
	msg := fmt.Sprintf("%s: %q", ErrUnknownSkill, e.Skill)
	if len(e.Near) == 0 {
		return msg
	}
	return msg + "; near matches: " + skillList(e.Near)
}

// Unwrap returns ErrUnknownSkill.
func (e *UnknownSkillError) Unwrap() error { return ErrUnknownSkill }

// skillList names skills as `Name (key)`, comma-separated.
func skillList(skills []passport.SkillView) string {
	parts := make([]string, len(skills))
	for i, s := range skills {
		parts[i] = fmt.Sprintf("%s (%s)", s.Name, s.Key)
	}
	return strings.Join(parts, ", ")
}

// storedOverride is the value of a category override.
type storedOverride struct {
	Category passport.Category `json:"category"`
	Set      time.Time         `json:"set"`
}

// knownCategory reports whether c is one of the passport's categories.
func knownCategory(c passport.Category) bool { return slices.Contains(passport.Categories, c) }

// FindSkill returns the passport's skill that ref names: its key as the
// passport view shows it (exactly), else its name (ignoring case and
// surrounding spaces) when exactly one skill has that name. A skill found
// nowhere gives an *UnknownSkillError listing near matches; a name that
// several skills have an error wrapping ErrAmbiguousSkill that lists their
// keys. The stored overrides are applied, so the skill shows its current
// category.
func (w *Wallet) FindSkill(ref string) (passport.SkillView, error) {
	skills, err := w.currentSkills()
	if err != nil {
		return passport.SkillView{}, err
	}
	return resolveSkill(ref, skills)
}

// SetCategory puts the skill that skillKey names (see FindSkill: its key,
// or its name) in category cat for every later passport, beating the rules
// the passport derives categories by. cat must be one of
// passport.Categories (else an error wrapping passport.ErrUnknownCategory);
// the skill must be in the passport now. The change goes into the activity
// log in the same transaction; setting the category a skill already has by
// override changes nothing and logs nothing.
func (w *Wallet) SetCategory(skillKey string, cat passport.Category) error {
	if !knownCategory(cat) {
		return fmt.Errorf("set category of %s: category %q: %w", skillKey, cat, passport.ErrUnknownCategory)
	}
	skills, err := w.currentSkills()
	if err != nil {
		return fmt.Errorf("set category of %s: %w", skillKey, err)
	}
	s, err := resolveSkill(skillKey, skills)
	if err != nil {
		return fmt.Errorf("set category: %w", err)
	}
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	now := w.now().UTC()
	val, err := json.Marshal(storedOverride{Category: cat, Set: now})
	if err != nil {
		return fmt.Errorf("set category of %s: %w", s.Key, err)
	}
	err = w.db.Update(func(tx *store.Tx) error {
		old, ok, err := overrideIn(tx, s.Key)
		if err != nil {
			return err
		}
		if ok && old == cat {
			return nil
		}
		if err := tx.Put(bucketPassportSettings, categoryKeyPrefix+s.Key, val); err != nil {
			return err
		}
		detail := fmt.Sprintf("passport category of skill %s: %s", s.Key, cat)
		if ok {
			detail += fmt.Sprintf(" (was %s)", old)
		}
		_, err = appendActivity(tx, Entry{Time: now, Action: ActionSettings, Outcome: OutcomeDone,
			Name: s.Name, Detail: detail})
		return err
	})
	if err != nil {
		return fmt.Errorf("set category of %s: %w", s.Key, err)
	}
	return nil
}

// ClearCategory removes the learner's category for a skill, which then
// takes the category the passport's rules give it. skillKey is the key of
// an overridden skill (held in the passport or not), or the name or key of
// a skill the passport holds (see FindSkill). A skill without an override
// gives an error wrapping ErrNoOverride. The change goes into the activity
// log in the same transaction.
func (w *Wallet) ClearCategory(skillKey string) error {
	overrides, err := w.CategoryOverrides()
	if err != nil {
		return fmt.Errorf("clear category of %s: %w", skillKey, err)
	}
	skills, err := w.currentSkills()
	if err != nil {
		return fmt.Errorf("clear category of %s: %w", skillKey, err)
	}
	key, name := skillKey, ""
	if _, ok := overrides[key]; !ok {
		s, err := resolveSkill(skillKey, skills)
		switch {
		case errors.Is(err, ErrUnknownSkill):
			// Neither overridden nor held: say what is overridden.
			return fmt.Errorf("clear category: %w", noOverrideError(skillKey, overrides))
		case err != nil:
			return fmt.Errorf("clear category: %w", err)
		}
		if _, ok := overrides[s.Key]; !ok {
			return fmt.Errorf("clear category: %w", noOverrideError(skillKey, overrides))
		}
		key = s.Key
	}
	if i := slices.IndexFunc(skills, func(s passport.SkillView) bool { return s.Key == key }); i >= 0 {
		name = skills[i].Name
	}
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	now := w.now().UTC()
	err = w.db.Update(func(tx *store.Tx) error {
		old, ok, err := overrideIn(tx, key)
		if err != nil {
			return err
		}
		if !ok {
			return noOverrideError(key, nil)
		}
		if err := tx.Delete(bucketPassportSettings, categoryKeyPrefix+key); err != nil {
			return err
		}
		_, err = appendActivity(tx, Entry{Time: now, Action: ActionSettings, Outcome: OutcomeDone, Name: name,
			Detail: fmt.Sprintf("passport category of skill %s: override %s cleared", key, old)})
		return err
	})
	if err != nil {
		return fmt.Errorf("clear category of %s: %w", key, err)
	}
	return nil
}

// noOverrideError wraps ErrNoOverride, naming the overridden skill keys.
func noOverrideError(skill string, overrides map[string]passport.Category) error {
	if len(overrides) == 0 {
		return fmt.Errorf("%w %q (there are none)", ErrNoOverride, skill)
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return fmt.Errorf("%w %q; overridden: %s", ErrNoOverride, skill, strings.Join(keys, ", "))
}

// CategoryOverrides returns the learner's categories by skill key, as
// SetCategory stored them; skills no longer in the passport keep theirs. A
// stored value that is none of passport.Categories (written by a later
// Skillpass) is left out.
func (w *Wallet) CategoryOverrides() (map[string]passport.Category, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var out map[string]passport.Category
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		out, err = categoryOverridesIn(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read category overrides: %w", err)
	}
	return out, nil
}

// categoryOverridesIn reads every stored category override in tx.
func categoryOverridesIn(tx *store.Tx) (map[string]passport.Category, error) {
	out := map[string]passport.Category{}
	err := tx.ForEach(bucketPassportSettings, func(k string, v []byte) error {
		key, ok := strings.CutPrefix(k, categoryKeyPrefix)
		if !ok {
			return nil
		}
		var so storedOverride
		if err := json.Unmarshal(v, &so); err != nil {
			return fmt.Errorf("read category override of %s: %w", key, err)
		}
		if knownCategory(so.Category) {
			out[key] = so.Category
		}
		return nil
	})
	return out, err
}

// overrideIn reads one skill's stored override in tx.
func overrideIn(tx *store.Tx, key string) (passport.Category, bool, error) {
	v, err := tx.Get(bucketPassportSettings, categoryKeyPrefix+key)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	var so storedOverride
	if err := json.Unmarshal(v, &so); err != nil {
		return "", false, fmt.Errorf("read category override of %s: %w", key, err)
	}
	return so.Category, true, nil
}

// withOverrides returns opts' overrides on top of the stored ones (opts
// win), without changing the caller's map.
func withOverrides(stored, opts map[string]passport.Category) map[string]passport.Category {
	if len(stored) == 0 {
		return opts
	}
	out := make(map[string]passport.Category, len(stored)+len(opts))
	for k, c := range stored {
		out[k] = c
	}
	for k, c := range opts {
		out[k] = c
	}
	return out
}

// currentSkills builds the passport as the learner sees it (stored
// overrides and the imported frameworks' names applied) and lists its
// skills.
func (w *Wallet) currentSkills() ([]passport.SkillView, error) {
	cat, err := w.FrameworkCatalog("")
	if err != nil {
		return nil, err
	}
	p, err := w.Passport(passport.Options{Now: w.now, Catalog: cat})
	if err != nil {
		return nil, err
	}
	return p.Skills(), nil
}

// resolveSkill finds the skill ref names among skills (see FindSkill).
func resolveSkill(ref string, skills []passport.SkillView) (passport.SkillView, error) {
	for _, s := range skills {
		if s.Key == ref {
			return s, nil
		}
	}
	want := strings.TrimSpace(ref)
	var named []passport.SkillView
	for _, s := range skills {
		if strings.EqualFold(strings.TrimSpace(s.Name), want) {
			named = append(named, s)
		}
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
		return passport.SkillView{}, &UnknownSkillError{Skill: ref, Near: nearSkills(ref, skills, maxNearSkills)}
	default:
		return passport.SkillView{}, fmt.Errorf("%q: %w: %s; give the key", ref, ErrAmbiguousSkill, skillList(named))
	}
}

// nearSkills returns up to n skills whose key or name contains query (or is
// contained in it), or is a few edits away from it, closest first.
func nearSkills(query string, skills []passport.SkillView, n int) []passport.SkillView {
	q := foldText(query)
	if q == "" {
		return nil
	}
	type cand struct {
		s passport.SkillView
		d int
	}
	var cs []cand
	for _, s := range skills {
		d := -1
		for _, t := range []string{foldText(s.Key), foldText(s.Name)} {
			if t == "" {
				continue
			}
			dd := 0
			if !strings.Contains(t, q) && !strings.Contains(q, t) {
				dd = editDistance(q, t)
				if dd > max(2, len(q)/3) {
					continue
				}
			}
			if d < 0 || dd < d {
				d = dd
			}
		}
		if d >= 0 {
			cs = append(cs, cand{s, d})
		}
	}
	slices.SortStableFunc(cs, func(a, b cand) int { return a.d - b.d })
	out := make([]passport.SkillView, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].s)
	}
	return out
}

// foldText lower-cases s and turns every run of other than letters and
// digits into one space, trimmed.
func foldText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}

// editDistance is the Levenshtein distance of a and b (bytes), each cut to
// 64 bytes so that it stays cheap.
func editDistance(a, b string) int {
	a, b = a[:min(len(a), 64)], b[:min(len(b), 64)]
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
