package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/skillpass/skillpass/wallet"
)

// cmdActivity shows the activity log, or exports it as JSON Lines with
// --json. A broken hash chain is shown and then refused (exit 1).
func cmdActivity(o *opts, env Env) error {
	if err := noArgs("activity", o); err != nil {
		return err
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	if o.json {
		return activityError(w.ExportActivity(env.Stdout))
	}
	log, chainErr := w.Activity()
	if chainErr != nil && !errors.Is(chainErr, wallet.ErrActivityBroken) {
		return chainErr
	}
	if len(log) == 0 {
		fmt.Fprint(env.Stdout, msgActivityEmpty)
		return activityError(chainErr)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, msgActivityHeader)
	for _, e := range log {
		what := e.Name
		if what == "" {
			what = e.Source
		}
		detail := e.Detail
		if e.Origin != "" {
			detail = strings.TrimSpace(detail + " " + msgActivityRestored)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format("2006-01-02 15:04:05"),
			e.Action, e.Outcome, clip(what, 36), clip(e.Counterparty, 40), detail)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return activityError(chainErr)
}

// activityError makes a broken chain a refusal with a hint.
func activityError(err error) error {
	if errors.Is(err, wallet.ErrActivityBroken) {
		return &refusedError{&hinted{err: err, hint: msgActivityBrokenHint}}
	}
	return err
}
