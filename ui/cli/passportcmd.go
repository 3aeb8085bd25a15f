package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/skillpass/skillpass/passport"
)

// cmdPassport prints the learner's skills passport.
func cmdPassport(o *opts, env Env) error {
	if err := noArgs("passport", o); err != nil {
		return err
	}
	popts := passport.Options{Now: env.Now}
	roleCode := "" // a job role of an imported framework, looked up once the wallet is open
	if o.role != "" && !isRoleFile(o.role) {
		roleCode = o.role
	} else if o.role != "" {
		f, err := os.Open(o.role)
		if err != nil {
			return fmt.Errorf(msgReadFile, o.role, err)
		}
		role, err := passport.ParseRole(f)
		f.Close()
		if err != nil {
			return &hinted{err: fmt.Errorf("%s: %w", o.role, err), hint: msgRoleHint}
		}
		popts.Role = &role
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := frameworkOptions(w, &popts, roleCode); err != nil {
		return err
	}
	p, err := w.Passport(popts)
	if err != nil {
		return err
	}
	view := p.View()
	if o.json {
		return writeJSON(env.Stdout, view)
	}
	printPassport(env.Stdout, view)
	return nil
}

func printPassport(out io.Writer, v passport.View) {
	fmt.Fprintf(out, msgPassportHead, v.Credentials, len(v.Skills), v.GeneratedAt.Format("2006-01-02"))
	if len(v.Skills) == 0 {
		fmt.Fprint(out, msgPassportEmpty)
		return
	}
	tw := tabwriter.NewWriter(out, 0, 2, 2, ' ', 0)
	category := ""
	for _, s := range v.Skills {
		if s.CategoryLabel != category {
			category = s.CategoryLabel
			fmt.Fprintf(tw, "\n%s\t\t\t\t\n", category)
		}
		note := ""
		if s.Unconfirmed {
			note = msgSkillUnconfirmed
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s, last evidenced %s%s\n", clip(s.Name, 40), s.Level.Label,
			clip(strings.Join(s.IssuerNames(), ", "), 30), s.Freshness.State, dateStr(s.LastEvidenced), note)
	}
	_ = tw.Flush()
	if len(v.Pathways) > 0 {
		fmt.Fprint(out, "\nPathways\n")
		for _, p := range v.Pathways {
			fmt.Fprintf(out, "  %s\n", p.Summary)
		}
	}
	if len(v.Expiring) > 0 {
		fmt.Fprint(out, "\nExpiring soon\n")
		for _, e := range v.Expiring {
			fmt.Fprintf(out, "  %s (%s): %s, in %d days\n", e.Name, firstNonEmpty(e.Issuer.Name, e.Issuer.ID), dateStr(e.ValidUntil), e.DaysLeft)
		}
	}
	if g := v.Gaps; g != nil {
		fmt.Fprintf(out, "\nAgainst %s: %d%% match (%d met, %d stale, %d below level, %d missing)\n", g.Role, g.Percent, g.Met, g.Stale, g.Below, g.Missing)
		for _, s := range g.Skills {
			fmt.Fprintf(out, "  %-8s %s\n", s.Status, s.Name)
		}
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
