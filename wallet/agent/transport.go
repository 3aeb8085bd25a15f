package agent

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/skillpass/skillpass/wallet/didcomm"
)

// shutdownGrace is how long Close lets requests in progress finish.
const shutdownGrace = didcomm.ShutdownGrace

// stateStorePrefix starts the names of aries' protocol-state stores in the
// wallet file (see didcomm.Config.StatePrefix).
const stateStorePrefix = "state-"

// listen checks endpoint (an http or https URL, or empty for
// http://<the bound address>) and opens the inbound transport at addr.
func listen(addr, endpoint string) (*didcomm.Inbound, error) {
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("endpoint %q: want an http or https URL", endpoint)
		}
	}
	in, err := didcomm.Listen(addr, endpoint, nil)
	if errors.Is(err, ErrPortTaken) {
		return nil, fmt.Errorf("%w: another program (or another Skillpass) uses this port; choose another address or stop that program", err)
	}
	return in, err
}
