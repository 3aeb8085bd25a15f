package issuer

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/skillpass/skillpass/wallet/didcomm"
)

// MaxMessageBytes is the largest DIDComm message the inbound transport
// reads.
const MaxMessageBytes = didcomm.MaxMessageBytes

// stateStorePrefix starts the names of aries' protocol-state stores in the
// wallet file (see didcomm.Config.StatePrefix).
const stateStorePrefix = "issuer-state-"

// listen checks endpoint (an http or https URL without query, or empty for
// http://<the bound address>) and opens, at addr, the listener that serves
// aries' DIDComm HTTP inbound handler (POST) and get (GET): the status
// list, the invitation and the catalogue's pathways.
func listen(addr, endpoint string, get http.Handler) (*didcomm.Inbound, error) {
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("endpoint %q: want an http or https URL without query", endpoint)
		}
		endpoint = strings.TrimRight(endpoint, "/")
	}
	in, err := didcomm.Listen(addr, endpoint, get)
	if errors.Is(err, ErrPortTaken) {
		return nil, fmt.Errorf("%w: another program (or another issuer) uses this port; choose another --listen address or stop that program", err)
	}
	return in, err
}
