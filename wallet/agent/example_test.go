package agent_test

import (
	"encoding/base64"
	"fmt"

	"github.com/skillpass/skillpass/wallet/agent"
)

// An invitation usually arrives as a link (or its QR code); ParseInvitation
// says who invites and where before anything is sent.
func ExampleParseInvitation() {
	invitation := `{
	  "@id": "8f3e9a52-1c7d-4b0e-9a6f-2d5c8e1b7a34",
	  "@type": "https://didcomm.org/out-of-band/1.0/invitation",
	  "label": "Example Training",
	  "handshake_protocols": ["https://didcomm.org/didexchange/1.0"],
	  "services": [{
	    "id": "#inline-1",
	    "type": "did-communication",
	    "recipientKeys": ["did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn"],
	    "serviceEndpoint": "https://training.example/didcomm"
	  }]
	}`
	link := "https://training.example/invite?oob=" + base64.RawURLEncoding.EncodeToString([]byte(invitation))
	inv, err := agent.ParseInvitation([]byte(link))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inv.Label, inv.Endpoints)

	_, err = agent.ParseInvitation([]byte("https://training.example/invite"))
	fmt.Println(err)
	// Output:
	// Example Training [https://training.example/didcomm]
	// not a usable invitation: the link has no oob= or c_i= parameter, so it carries no invitation
}
