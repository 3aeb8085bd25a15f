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
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		defer tty.Close()
		env.Prompt = func(p string) ([]byte, error) {
			fmt.Fprint(tty, p)
			defer fmt.Fprintln(tty)
			return term.ReadPassword(int(tty.Fd()))
		}
	}
	os.Exit(cli.Run(os.Args[1:], env))
}
