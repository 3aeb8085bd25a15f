package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/framework"
)

// cmdFramework runs `framework import|list|roles`.
func cmdFramework(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: msgFrameworkUsage, hint: msgFrameworkUsageHint}
	}
	sub, rest := o.args[0], o.args[1:]
	switch sub {
	case "import":
		return frameworkImport(o, env, rest)
	case "list":
		if len(rest) > 0 {
			return &usageError{msg: fmt.Sprintf(msgTooManyArgs, "framework list", rest[0]), hint: msgFrameworkUsageHint}
		}
		return frameworkList(o, env)
	case "roles":
		if len(rest) > 1 {
			return &usageError{msg: fmt.Sprintf(msgTooManyArgs, "framework roles", rest[1]), hint: msgFrameworkUsageHint}
		}
		return frameworkRoles(o, env, rest)
	default:
		return &usageError{msg: fmt.Sprintf(msgFrameworkUnknown, sub), hint: msgFrameworkUsageHint}
	}
}

// frameworkImport reads the workbook before opening the wallet, so a wrong
// file fails without asking for the passphrase.
func frameworkImport(o *opts, env Env, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return &usageError{msg: msgFrameworkImportUsage, hint: msgFrameworkUsageHint}
	}
	file := args[0]
	name := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	if len(args) == 2 {
		name = args[1]
	}
	fw, err := framework.ReadFile(file, framework.Limits{})
	if err != nil {
		return workbookError(err)
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	info, replaced, err := w.ImportFramework(name, filepath.Base(file), fw)
	if err != nil {
		if errors.Is(err, wallet.ErrFrameworkName) {
			return &hinted{err: err, hint: msgFrameworkNameHint}
		}
		return err
	}
	if o.json {
		return writeJSON(env.Stdout, info)
	}
	fmt.Fprintf(env.Stdout, msgFrameworkImported, info.Name, file, info.Roles, len(info.Sectors), info.Skills)
	if replaced {
		fmt.Fprint(env.Stdout, msgFrameworkReplaced)
	}
	fmt.Fprintf(env.Stdout, msgFrameworkNext, info.Name)
	return nil
}

// workbookError adds the hint that fits a workbook that cannot be read.
func workbookError(err error) error {
	hint := ""
	switch {
	case errors.Is(err, framework.ErrNoSheet):
		hint = msgWorkbookSheetHint
	case errors.Is(err, framework.ErrColumns):
		hint = msgWorkbookColumnsHint
	case errors.Is(err, framework.ErrLevel):
		hint = msgWorkbookLevelHint
	case errors.Is(err, framework.ErrTooLarge):
		hint = msgWorkbookLargeHint
	case errors.Is(err, framework.ErrNotWorkbook), errors.Is(err, framework.ErrEmpty):
		hint = msgWorkbookHint
	case errors.Is(err, os.ErrNotExist):
		return err
	}
	return &hinted{err: err, hint: hint}
}

func frameworkList(o *opts, env Env) error {
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := w.Frameworks()
	if err != nil {
		return err
	}
	if o.json {
		if list == nil {
			list = []wallet.FrameworkInfo{}
		}
		return writeJSON(env.Stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprint(env.Stdout, msgFrameworkNone)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, msgFrameworkListHeader)
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\n", f.Name, f.Roles, f.Skills, len(f.Sectors), dateStr(f.Imported), f.Source)
	}
	return tw.Flush()
}

// roleLine is one role as `framework roles --json` prints it.
type roleLine struct {
	Framework string `json:"framework"`
	framework.Role
}

func frameworkRoles(o *opts, env Env, args []string) error {
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	list, err := w.Frameworks()
	if err != nil {
		return err
	}
	if len(args) == 1 {
		var only []wallet.FrameworkInfo
		for _, f := range list {
			if strings.EqualFold(f.Name, args[0]) {
				only = append(only, f)
			}
		}
		if len(only) == 0 {
			return &hinted{err: fmt.Errorf("%w: %q", wallet.ErrNoFramework, args[0]), hint: msgFrameworkListHint}
		}
		list = only
	}
	sector := strings.ToLower(strings.TrimSpace(o.sector))
	lines := []roleLine{}
	sectors := map[string]bool{}
	for _, f := range list {
		fw, err := w.Framework(f.Name)
		if err != nil {
			return err
		}
		for _, r := range fw.Roles {
			sectors[r.Sector] = true
			if sector == "" || strings.Contains(strings.ToLower(r.Sector), sector) {
				lines = append(lines, roleLine{Framework: f.Name, Role: r})
			}
		}
	}
	if o.json {
		return writeJSON(env.Stdout, lines)
	}
	switch {
	case len(list) == 0:
		fmt.Fprint(env.Stdout, msgFrameworkNone)
		return nil
	case len(lines) == 0:
		var names []string
		for s := range sectors {
			names = append(names, s)
		}
		sort.Strings(names)
		fmt.Fprintf(env.Stdout, msgFrameworkNoSector, o.sector, strings.Join(names, "; "))
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	several := len(list) > 1
	if several {
		fmt.Fprint(tw, "FRAMEWORK\t")
	}
	fmt.Fprintln(tw, msgFrameworkRolesHeader)
	for _, l := range lines {
		if several {
			fmt.Fprintf(tw, "%s\t", l.Framework)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", l.Code, clip(l.Title, 40), clip(l.Sector, 30), clip(l.Track, 30), len(l.Skills))
	}
	return tw.Flush()
}

// isRoleFile tells whether --role names a role-profile file: a path that
// exists (and is not a folder) is one; anything else is a role code or
// title from an imported framework.
func isRoleFile(role string) bool {
	st, err := os.Stat(role)
	return err == nil && !st.IsDir()
}

// frameworkOptions completes the passport options from the imported
// frameworks: the role that code names (when code is not empty) and the
// catalogue that names skills by their framework titles.
func frameworkOptions(w *wallet.Wallet, popts *passport.Options, code string) error {
	prefer := ""
	if code != "" {
		fr, err := w.FrameworkRole(code)
		if err != nil {
			return roleError(code, err)
		}
		popts.Role = &fr.Profile
		prefer = fr.Framework
	}
	cat, err := w.FrameworkCatalog(prefer)
	if err != nil {
		return err
	}
	popts.Catalog = cat
	return nil
}

// roleError adds the hint that fits a --role that names no role.
func roleError(code string, err error) error {
	hint := ""
	switch {
	case errors.Is(err, wallet.ErrNoFramework):
		hint = fmt.Sprintf(msgRoleNoFrameworkHint, code)
	case errors.Is(err, framework.ErrNoRole):
		hint = fmt.Sprintf(msgRoleNotFoundHint, code)
	case errors.Is(err, framework.ErrAmbiguousRole):
		hint = msgRoleAmbiguousHint
	}
	return &hinted{err: err, hint: hint}
}
