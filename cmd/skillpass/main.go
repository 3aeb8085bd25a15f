// Command skillpass is the Skillpass desktop app: the learner's wallet and
// skills passport. Pass a wallet folder as the only argument to use another
// wallet than the default one. SKILLPASS_DEMO_INVITATION, when set, is an
// issuer's invitation the app connects to once the wallet is unlocked
// (make demo).
package main

import (
	"net/http"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/skillpass/skillpass/assets"
	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/ui"
	"github.com/skillpass/skillpass/wallet"
)

func main() {
	a := app.NewWithID("org.skillpass.wallet")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	dir := filepath.Join(configDir(), "skillpass")
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	// The desktop app works offline: did:web issuers and status lists are
	// judged unknown until the learner asks for a check over the network
	// (the credentials screen's "Check all again…" and "Fetch from
	// issuer…", each confirmed first), which goes through Fetcher.
	ap := ui.New(a, ui.WalletOpener{Options: wallet.Options{}}, dir)
	ap.Fetcher = did.HTTPFetcher(&http.Client{Timeout: 15 * time.Second})
	ap.StartAgent = ui.StartWalletAgent
	ap.Invitation = []byte(os.Getenv("SKILLPASS_DEMO_INVITATION"))
	ap.Window().ShowAndRun()
}

func configDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return d
	}
	return "."
}
