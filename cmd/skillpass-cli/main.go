// Command skillpass-cli is the headless Skillpass wallet and the employer's
// verifier. See `skillpass-cli help` and the contract in DESIGN.md.
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/ui/cli"
)

func main() {
	env := cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv,
		HTTP:   did.HTTPFetcher(&http.Client{Timeout: 15 * time.Second}),
		Now:    time.Now,
	}
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		env.Prompt = func(p string) ([]byte, error) {
			fmt.Fprint(os.Stderr, p)
			defer fmt.Fprintln(os.Stderr)
			return term.ReadPassword(fd)
		}
	}
	os.Exit(cli.Run(os.Args[1:], env))
}
