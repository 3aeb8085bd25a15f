package agent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"

	"github.com/skillpass/skillpass/wallet/qr"
)

// MaxInvitationBytes bounds the input ParseInvitation reads (a QR image
// included).
const MaxInvitationBytes = 4 << 20

// pngMagic starts every PNG file.
var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Message types and protocols an invitation may name.
const (
	oobInvitationType    = "https://didcomm.org/out-of-band/1.0/invitation"
	oobInvitationTypeOld = "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/out-of-band/1.0/invitation"
	oobV2InvitationType  = "https://didcomm.org/out-of-band/2.0/invitation"
	connInvitationType   = "https://didcomm.org/connections/1.0/invitation"
	connInvitationOld    = "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/connections/1.0/invitation"
	didExchangeProtocol  = "https://didcomm.org/didexchange/1.0"
	didExchangeOld       = "did:sov:BzCbsNYhMrjHiqZDTUASHg;spec/didexchange/1.0"
)

// Invitation is a parsed out-of-band 1.0 invitation, checked enough that
// connecting can be offered to the learner.
type Invitation struct {
	ID        string   // the invitation's @id
	Label     string   // who invites (as they name themselves)
	Goal      string   // what for, if they say
	Endpoints []string // where the inviter's services listen; empty for DID-only services

	inv *outofband.Invitation
}

// ParseInvitation reads an out-of-band 1.0 invitation from data: a link
// carrying it base64url-encoded in its oob (or c_i) query parameter, the
// invitation JSON itself, or a PNG image of a QR code holding either. Input that is none of these, or an invitation
// Skillpass cannot use, gives an error wrapping ErrInvalidInvitation that says
// why.
func ParseInvitation(data []byte) (*Invitation, error) {
	if len(data) > MaxInvitationBytes {
		return nil, invalid("it is %d bytes long; an invitation is at most %d", len(data), MaxInvitationBytes)
	}
	if bytes.HasPrefix(data, pngMagic) {
		text, err := qr.ReadPNG(data)
		if err != nil {
			return nil, invalid("the image holds no readable QR code (%v)", err)
		}
		data = []byte(text)
		if bytes.HasPrefix(data, pngMagic) {
			return nil, invalid("the QR code holds an image")
		}
	}
	text := bytes.TrimSpace(data)
	if len(text) == 0 {
		return nil, invalid("it is empty")
	}
	if text[0] == '{' {
		return parseInvitationJSON(text)
	}
	return parseInvitationURL(string(text))
}

// invalid returns an error wrapping ErrInvalidInvitation.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInvitation, fmt.Sprintf(format, args...))
}

// parseInvitationURL reads the invitation from a link's oob or c_i parameter.
func parseInvitationURL(s string) (*Invitation, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return nil, invalid("it is neither a link nor invitation JSON")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, invalid("the link's query cannot be read (%v)", err)
	}
	param := ""
	for _, name := range []string{"oob", "c_i"} {
		if v := q.Get(name); v != "" {
			param = v
			break
		}
	}
	if param == "" {
		return nil, invalid("the link has no oob= or c_i= parameter, so it carries no invitation")
	}
	raw, err := decodeBase64(param)
	if err != nil {
		return nil, invalid("the link's invitation is not valid base64url")
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, invalid("the link's invitation is not JSON")
	}
	return parseInvitationJSON(raw)
}

// decodeBase64 decodes base64url or standard base64, padded or not. In a
// query string '+' may have become ' '.
func decodeBase64(s string) ([]byte, error) {
	s = strings.ReplaceAll(strings.Trim(s, "\t\r\n"), " ", "+")
	s = strings.TrimRight(s, "=")
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// parseInvitationJSON checks and converts the invitation JSON.
func parseInvitationJSON(raw []byte) (*Invitation, error) {
	var head struct {
		Type string `json:"@type"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, invalid("its JSON does not parse: %v", err)
	}
	switch head.Type {
	case oobInvitationType, oobInvitationTypeOld:
	case connInvitationType, connInvitationOld:
		return nil, invalid("it is an RFC 0160 connection invitation; ask the issuer for an out-of-band (RFC 0434) invitation")
	case oobV2InvitationType:
		return nil, invalid("it is a DIDComm v2 out-of-band invitation, which Skillpass does not speak yet; ask the issuer for an out-of-band 1.0 invitation")
	case "":
		return nil, invalid("it has no @type")
	default:
		return nil, invalid("its type %q is not an out-of-band invitation", head.Type)
	}
	inv := &outofband.Invitation{}
	if err := json.Unmarshal(raw, inv); err != nil {
		return nil, invalid("it does not have the shape of an out-of-band invitation: %v", err)
	}
	if inv.ID == "" {
		return nil, invalid("it has no @id")
	}
	if !hasDIDExchange(inv.Protocols) {
		if len(inv.Protocols) == 0 {
			return nil, invalid("it names no handshake protocol, so no connection can be made")
		}
		return nil, invalid("it offers only %s; Skillpass connects with DID Exchange 1.0", strings.Join(inv.Protocols, ", "))
	}
	if len(inv.Services) == 0 {
		return nil, invalid("it names no service to connect to")
	}
	out := &Invitation{ID: inv.ID, Label: inv.Label, Goal: inv.Goal, inv: inv}
	for i, s := range inv.Services {
		ep, err := checkService(s)
		if err != nil {
			return nil, invalid("service %d: %v", i+1, err)
		}
		if ep != "" {
			out.Endpoints = append(out.Endpoints, ep)
		}
	}
	return out, nil
}

// hasDIDExchange reports whether protocols include DID Exchange 1.0.
func hasDIDExchange(protocols []string) bool {
	for _, p := range protocols {
		if p == didExchangeProtocol || p == didExchangeOld {
			return true
		}
	}
	return false
}

// checkService checks one entry of services: a DID, or an inline service
// with recipient keys and an endpoint URL (returned).
func checkService(s interface{}) (string, error) {
	switch v := s.(type) {
	case string:
		if !strings.HasPrefix(v, "did:") {
			return "", fmt.Errorf("%q is neither a DID nor a service", v)
		}
		return "", nil
	case map[string]interface{}:
		keys, _ := v["recipientKeys"].([]interface{})
		if len(keys) == 0 {
			return "", fmt.Errorf("it has no recipientKeys")
		}
		for _, k := range keys {
			if ks, ok := k.(string); !ok || ks == "" {
				return "", fmt.Errorf("a recipient key is not a string")
			}
		}
		ep, ok := v["serviceEndpoint"].(string)
		if !ok || ep == "" {
			return "", fmt.Errorf("it has no serviceEndpoint URL")
		}
		u, err := url.Parse(ep)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("serviceEndpoint %q is not a URL", ep)
		}
		switch u.Scheme {
		case "http", "https", "ws", "wss":
		default:
			return "", fmt.Errorf("serviceEndpoint %q is not an http or https URL, nor a ws or wss one", ep)
		}
		return ep, nil
	default:
		return "", fmt.Errorf("it is neither a DID nor a service object")
	}
}
