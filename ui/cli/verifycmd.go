package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/verify"
)

// cmdVerify is the employer's verifier: no wallet needed.
func cmdVerify(o *opts, env Env) error {
	if len(o.args) == 0 {
		return &usageError{msg: fmt.Sprintf(msgNeedFiles, "verify"), hint: "give a credential or presentation file, or - for standard input"}
	}
	dashes := 0
	for _, a := range o.args {
		if a == "-" {
			dashes++
		}
	}
	if dashes > 1 {
		return &usageError{msg: msgVerifyDash}
	}
	f, err := o.fetcher(env)
	if err != nil {
		return err
	}
	v, err := verify.New(verify.Options{Fetcher: f, Now: env.Now})
	if err != nil {
		return err
	}
	many := len(o.args) > 1
	allOK := true
	var ioErr error
	for _, name := range o.args {
		res, err := verifyFile(v, name, env.Stdin)
		if err != nil {
			fmt.Fprintln(env.Stderr, msgErrPrefix+err.Error())
			if h := hintFor(err); h != "" {
				fmt.Fprintln(env.Stderr, msgHintPrefix+h)
			}
			if ioErr == nil {
				ioErr = err
			}
			continue
		}
		if !res.Verified {
			allOK = false
		}
		if many {
			res.File = name
		}
		switch {
		case o.json && many:
			b, err := json.Marshal(res)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, string(b))
		case o.json:
			if err := writeJSON(env.Stdout, res); err != nil {
				return err
			}
		default:
			fmt.Fprintf(env.Stdout, "%s: ", displayName(name))
			printResult(env.Stdout, "", res)
		}
	}
	if ioErr != nil {
		return &hinted{err: errors.New("some files could not be read or are not credentials"), hint: "see the messages above"}
	}
	if !allOK {
		return &refusedError{}
	}
	return nil
}

func displayName(name string) string {
	if name == "-" {
		return "(stdin)"
	}
	return name
}

// verifyFile verifies one input. A baked badge image is opened to the
// credential inside it; everything else goes to the verifier as it is.
func verifyFile(v *verify.Verifier, name string, stdin io.Reader) (*verify.Result, error) {
	data, err := readInput(name, stdin)
	if err != nil {
		return nil, err
	}
	if isImage(data) {
		items, err := importer.Parse(name, data, importer.DefaultLimits())
		if err != nil {
			return nil, err
		}
		if len(items) != 1 {
			return nil, fmt.Errorf("%s holds %d credentials; verify them one by one after `import`", name, len(items))
		}
		data = items[0].Raw
	}
	res, err := v.Verify(ctx(), data)
	if err != nil {
		return nil, &hinted{err: fmt.Errorf("%s: %w", displayName(name), err), hint: "verify takes a W3C credential or presentation (JSON-LD or VC-JWT) or a baked badge image"}
	}
	return res, nil
}

func isImage(b []byte) bool {
	if len(b) > 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n" {
		return true
	}
	head := strings.TrimSpace(string(b[:min(len(b), 512)]))
	return strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<svg")
}

// printResult writes a verdict for people: the headline, then each check
// with its meaning, then the errors.
func printResult(w io.Writer, indent string, r *verify.Result) {
	head := msgNotVerified
	if r.Verified {
		head = msgVerified
	}
	fmt.Fprintf(w, "%s (%s", head, r.Kind)
	if r.Format != "" {
		fmt.Fprintf(w, ", %s", r.Format)
	}
	fmt.Fprintln(w, ")")
	checks := wallet.Checks(r.Checks)
	for _, name := range wallet.CheckNames {
		if v := checks.Value(name); v != "" {
			fmt.Fprintf(w, "%s  %-9s %-12s %s\n", indent, name, v, wallet.CheckMeaning(name, v))
		}
	}
	if r.IssuerID != "" {
		fmt.Fprintf(w, "%s  issued by %s\n", indent, r.IssuerID)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "%s  - %s\n", indent, e)
	}
	for i := range r.Credentials {
		fmt.Fprintf(w, "%s  credential %d: ", indent, i+1)
		printResult(w, indent+"    ", &r.Credentials[i])
	}
}
