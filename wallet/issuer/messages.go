package issuer

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/issuecredential/rfc0593"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"

	"github.com/skillpass/skillpass/wallet/verify/status"
)

// spec is an RFC 0593 credential detail.
type spec struct {
	Credential map[string]any                 `json:"credential"`
	Options    *rfc0593.CredentialSpecOptions `json:"options,omitempty"`
}

// offerMessage builds the issue-credential 2.0 offer of achievement a with
// the RFC 0593 detail of the unsigned credential tmpl.
func offerMessage(issuerName string, a *Achievement, tmpl map[string]any, p Proof) (service.DIDCommMsgMap, error) {
	detail := spec{
		Credential: tmpl,
		Options:    &rfc0593.CredentialSpecOptions{ProofType: p.proofType(), ProofPurpose: "assertionMethod"},
	}
	attrs := []issuecredential.Attribute{{Name: "achievement", Value: a.Name}, {Name: "description", Value: a.Description}}
	if a.Level != "" {
		attrs = append(attrs, issuecredential.Attribute{Name: "level", Value: a.Level})
	}
	offer := &issuecredential.OfferCredentialV2{
		Type:    issuecredential.OfferCredentialMsgTypeV2,
		Comment: fmt.Sprintf("%s offers you the Open Badge %q", issuerName, a.Name),
		CredentialPreview: issuecredential.PreviewCredential{
			Type:       issuecredential.CredentialPreviewMsgTypeV2,
			Attributes: attrs,
		},
		Formats: []issuecredential.Format{{AttachID: "detail", Format: rfc0593.ProofVCDetailFormat}},
		OffersAttach: []decorator.Attachment{{
			ID: "detail", MimeType: "application/json", Data: decorator.AttachmentData{JSON: detail},
		}},
	}
	return service.NewDIDCommMsgMap(offer), nil
}

// issueMessage wraps the signed credential vc in an issue-credential 2.0
// message (RFC 0593 aries/ld-proof-vc@v1.0).
func issueMessage(vc map[string]any) *issuecredential.IssueCredentialV2 {
	return &issuecredential.IssueCredentialV2{
		Type:    issuecredential.IssueCredentialMsgTypeV2,
		Formats: []issuecredential.Format{{AttachID: "vc", Format: rfc0593.ProofVCFormat}},
		CredentialsAttach: []decorator.Attachment{{
			ID: "vc", MimeType: "application/ld+json", Data: decorator.AttachmentData{JSON: vc},
		}},
	}
}

// detail reads the RFC 0593 detail attachment.
func detail(formats []issuecredential.Format, atts []decorator.Attachment) (*spec, error) {
	att, err := rfc0593.FindAttachment(rfc0593.ProofVCDetailFormat, formats, atts)
	if errors.Is(err, rfc0593.ErrRFC0593NotApplicable) {
		return nil, errors.New("has no aries/ld-proof-vc-detail@v1.0 attachment")
	}
	if err != nil {
		return nil, fmt.Errorf("attachment: %w", err)
	}
	raw, err := att.Data.Fetch()
	if err != nil {
		return nil, fmt.Errorf("attachment cannot be read: %w", err)
	}
	var s spec
	if err := json.Unmarshal(raw, &s); err != nil || s.Credential == nil {
		return nil, errors.New("attachment is not a credential detail")
	}
	return &s, nil
}

// newCredentialID returns a fresh urn:uuid: (version 4).
func newCredentialID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("credential id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), nil
}

// statusList returns the signed status list credential listID
// (StatusListID or StatusListBBS), built from the issued records and
// cached until a revocation, and the time of its last
// change. That time is its issuanceDate and the proof's created: the
// served document stays the same, byte for byte, across restarts until a
// revocation changes it, and its date says when its content last changed.
func (is *Issuer) statusList(listID string) ([]byte, time.Time, error) {
	is.listMu.Lock()
	defer is.listMu.Unlock()
	if c, ok := is.listCache[listID]; ok {
		return c, is.listDate[listID], nil
	}
	issuer, sig, ctxs := is.did, is.signers[ProofEd25519], []any{ContextVC1, ContextStatusList, ContextEd25519}
	if listID == StatusListBBS {
		if is.signers[ProofBBS] == nil {
			return nil, time.Time{}, errNoList
		}
		issuer, sig, ctxs = is.didBBS, is.signers[ProofBBS], []any{ContextVC1, ContextStatusList, ContextBBS}
	}
	recs, err := is.rec.issued()
	if err != nil {
		return nil, time.Time{}, err
	}
	list, err := status.NewList(StatusListSize)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("status list: %w", err)
	}
	// The change time when none is recorded (a wallet from before it was):
	// the last revocation, else now.
	since := is.opts.Now()
	var last time.Time
	for _, r := range recs {
		if r.Revoked != nil && (r.List == listID || r.List == "" && listID == StatusListID) {
			if err := list.Set(r.StatusIndex); err != nil {
				return nil, time.Time{}, fmt.Errorf("status list: credential %s: %w", r.ID, err)
			}
			if r.Revoked.After(last) {
				last = *r.Revoked
			}
		}
	}
	if !last.IsZero() {
		since = last
	}
	enc, err := list.Encode(status.StatusList2021)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("status list: %w", err)
	}
	changed, err := is.rec.listChanged(since)
	if err != nil {
		return nil, time.Time{}, err
	}
	url := is.listURL(listID)
	doc := map[string]any{
		"@context":     ctxs,
		"id":           url,
		"type":         []any{"VerifiableCredential", "StatusList2021Credential"},
		"issuer":       issuer,
		"issuanceDate": changed.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            url + "#list",
			"type":          "StatusList2021",
			"statusPurpose": "revocation",
			"encodedList":   enc,
		},
	}
	signed, err := sig.sign(doc, changed)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("status list: %w", err)
	}
	raw, err := json.Marshal(signed)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("status list: %w", err)
	}
	is.listCache[listID], is.listDate[listID] = raw, changed
	return raw, changed, nil
}

// errNoList is returned by statusList for a list the issuer cannot sign.
var errNoList = errors.New("no such status list")

// serveGet serves the issuer's public resources: the status list, the
// invitation (at /, as JSON) and the catalogue's pathways. The status list
// carries Last-Modified (its change time) and an ETag and answers
// conditional requests, with Cache-Control no-cache: HTTP caches
// revalidate it on every use, so a revocation is seen at once by any
// verifier that does not keep copies of its own.
func (is *Issuer) serveGet(w http.ResponseWriter, r *http.Request) {
	var (
		body     []byte
		ctype    = "application/json"
		modified time.Time
		err      error
	)
	switch r.URL.Path {
	case "/status/" + StatusListID, "/status/" + StatusListBBS:
		body, modified, err = is.statusList(strings.TrimPrefix(r.URL.Path, "/status/"))
		if errors.Is(err, errNoList) {
			http.NotFound(w, r)
			return
		}
		ctype = "application/ld+json"
	case "/":
		body = is.invitation
	case "/pathways.json":
		body, err = is.opts.Catalog.PassportPathways()
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		is.opts.Logf("GET %s: %v", r.URL.Path, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	sum := sha256.Sum256(body)
	w.Header().Set("ETag", `"`+base64.RawURLEncoding.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, "", modified, bytes.NewReader(body))
}
