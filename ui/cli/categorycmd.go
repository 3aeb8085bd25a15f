package cli

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"text/tabwriter"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
)

// categoryOverride is one line of `passport categories --json`.
type categoryOverride struct {
	Key           string            `json:"key"`
	Name          string            `json:"name,omitempty"`
	Category      passport.Category `json:"category"`
	CategoryLabel string            `json:"categoryLabel"`
	// Derived is the category the skill's credentials give it; empty when
	// no credential in the wallet evidences the skill now (Held false).
	Derived      passport.Category `json:"derived,omitempty"`
	DerivedLabel string            `json:"derivedLabel,omitempty"`
	Held         bool              `json:"held"`
}

// cmdPassportCategory runs `passport category SKILL CATEGORY`,
// `passport category SKILL --clear` and `passport categories`. They write to
// (or read) the wallet file, so while an agent holds the wallet they say it
// is busy, as the other writers do.
func cmdPassportCategory(o *opts, env Env) error {
	sub, args := o.args[0], o.args[1:]
	if sub == "categories" {
		if len(args) > 0 {
			return &usageError{msg: fmt.Sprintf(msgTooManyArgs, "passport categories", args[0]), hint: msgUnknownCommandH}
		}
		return cmdPassportCategories(o, env)
	}
	switch {
	case o.clear && len(args) == 2:
		return &usageError{msg: msgCategoryClearExtra, hint: msgCategoryUsageHint}
	case o.clear && len(args) != 1, !o.clear && len(args) != 2:
		return &usageError{msg: msgCategoryUsage, hint: msgCategoryUsageHint}
	}
	skill := args[0]
	var cat passport.Category
	if !o.clear {
		c, err := passport.ParseCategory(args[1])
		if err != nil {
			return &usageError{msg: fmt.Sprintf(msgCategoryUnknown, args[1]), hint: msgCategoryUsageHint}
		}
		cat = c
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	if o.clear {
		if err := w.ClearCategory(skill); err != nil {
			return categoryErr(err)
		}
		s, err := w.FindSkill(skill)
		if err != nil {
			// A key of a skill no credential evidences now.
			fmt.Fprintf(env.Stdout, msgCategoryClearedKey, skill)
			return nil //nolint:nilerr // the override is gone: that was the task
		}
		fmt.Fprintf(env.Stdout, msgCategoryCleared, s.Name, s.CategoryLabel)
		return nil
	}
	s, err := w.FindSkill(skill)
	if err != nil {
		return categoryErr(err)
	}
	if err := w.SetCategory(s.Key, cat); err != nil {
		return categoryErr(err)
	}
	fmt.Fprintf(env.Stdout, msgCategorySet, s.Name, cat.Label(), s.CategoryLabel, s.Key)
	return nil
}

// categoryErr adds the hint that fits a skill the wallet could not place.
func categoryErr(err error) error {
	switch {
	case errors.Is(err, wallet.ErrUnknownSkill):
		return &hinted{err: err, hint: msgCategorySkillHint}
	case errors.Is(err, wallet.ErrAmbiguousSkill):
		return &hinted{err: err, hint: msgCategoryAmbigHint}
	case errors.Is(err, wallet.ErrNoOverride):
		return &hinted{err: err, hint: msgCategoryNoOverHint}
	}
	return err
}

// cmdPassportCategories lists the learner's overrides with the category
// each skill's credentials give it.
func cmdPassportCategories(o *opts, env Env) error {
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := categoryOverrides(w, env)
	if err != nil {
		return err
	}
	if o.json {
		return writeJSON(env.Stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprint(env.Stdout, msgCategoriesNone)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, msgCategoriesHeader)
	for _, c := range list {
		name, derived := c.Name, c.DerivedLabel
		if !c.Held {
			name, derived = "-", msgCategoriesNotHeld
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clip(name, 40), c.CategoryLabel, derived, c.Key)
	}
	return tw.Flush()
}

// categoryOverrides reads the stored overrides and, for the skills the
// passport holds, their names and the categories their credentials give
// them; sorted by the override's category (display order), name and key.
func categoryOverrides(w *wallet.Wallet, env Env) ([]categoryOverride, error) {
	overrides, err := w.CategoryOverrides()
	if err != nil {
		return nil, err
	}
	list := make([]categoryOverride, 0, len(overrides))
	if len(overrides) == 0 {
		return list, nil
	}
	popts := passport.Options{Now: env.Now}
	if err := frameworkOptions(w, &popts, ""); err != nil {
		return nil, err
	}
	p, err := w.Passport(popts)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, s := range p.Skills() {
		names[s.Key] = s.Name
	}
	// The same passport with the overrides taken off shows what the
	// credentials give.
	for k := range overrides {
		if err := p.SetCategory(k, ""); err != nil {
			return nil, fmt.Errorf("passport categories: %w", err)
		}
	}
	derived := map[string]passport.Category{}
	for _, s := range p.Skills() {
		derived[s.Key] = s.Category
	}
	for k, c := range overrides {
		e := categoryOverride{Key: k, Category: c, CategoryLabel: c.Label()}
		if d, ok := derived[k]; ok {
			e.Name, e.Derived, e.DerivedLabel, e.Held = names[k], d, d.Label(), true
		}
		list = append(list, e)
	}
	slices.SortFunc(list, func(a, b categoryOverride) int {
		return cmp.Or(cmp.Compare(slices.Index(passport.Categories, a.Category), slices.Index(passport.Categories, b.Category)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.Key, b.Key))
	})
	return list, nil
}
