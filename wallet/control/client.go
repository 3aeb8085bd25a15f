package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
)

// DefaultClientTimeout bounds one call of a Client when its context has no
// deadline: long enough for an Accept that waits agent.DefaultTimeout for
// the issuer.
const DefaultClientTimeout = agent.DefaultTimeout + 30*time.Second

// Client talks to the server on a wallet's control socket. Each call opens
// a connection of its own; a Client is safe for concurrent use.
type Client struct {
	path string
	// Timeout bounds a call when its context has no deadline (default
	// DefaultClientTimeout).
	Timeout time.Duration
}

// Dial reaches the server on the socket of the wallet in dir and returns a
// Client with the server's Status. When no server answers (no socket, or
// one left behind by a process that ended) it returns ErrNoServer; a socket
// path that is not a socket, or a folder others may write to, is refused
// rather than trusted.
func Dial(ctx context.Context, dir string) (*Client, *Status, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("control socket: %w", err)
	}
	path := SocketPath(abs)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, ErrNoServer
	}
	if err != nil {
		return nil, nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return nil, nil, fmt.Errorf("control socket %s: %w", path, ErrNotSocket)
	}
	if err := checkDir(abs); err != nil {
		return nil, nil, fmt.Errorf("control socket in %s: %w", abs, err)
	}
	c := &Client{path: path}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, nil, err
	}
	return c, st, nil
}

// Path returns the socket's path.
func (c *Client) Path() string { return c.path }

// call sends req and decodes the answer's result into out (when not nil).
// The server's errors come back as *RemoteError; a result sent along with
// an error is decoded too.
func (c *Client) call(ctx context.Context, req request, out any) error {
	req.V = Version
	if _, ok := ctx.Deadline(); !ok {
		t := c.Timeout
		if t <= 0 {
			t = DefaultClientTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", c.path)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
			return ErrNoServer
		}
		return fmt.Errorf("reach the agent at %s: %w", c.path, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	b, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", req.Op, err)
	}
	if len(b) > MaxRequestBytes {
		return fmt.Errorf("%s: %w: the request is larger than %d bytes", req.Op, ErrBadRequest, MaxRequestBytes)
	}
	if _, err := conn.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("%s: send to the agent: %w", req.Op, err)
	}
	line, err := bufio.NewReader(io.LimitReader(conn, MaxResponseBytes+1)).ReadBytes('\n')
	if len(line) > MaxResponseBytes {
		return fmt.Errorf("%s: the agent's answer is larger than %d bytes", req.Op, MaxResponseBytes)
	}
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("%s: no answer from the agent: %w", req.Op, agent.ErrTimeout)
		}
		return fmt.Errorf("%s: read the agent's answer: %w", req.Op, err)
	}
	var resp response
	if err := json.Unmarshal(line, &resp); err != nil {
		return fmt.Errorf("%s: the agent's answer: %w", req.Op, err)
	}
	if resp.V != Version {
		return fmt.Errorf("%s: %w: it answered in version %d, this is version %d", req.Op, ErrVersion, resp.V, Version)
	}
	if out != nil && len(resp.Result) > 0 {
		if err := json.Unmarshal(resp.Result, out); err != nil {
			return fmt.Errorf("%s: the agent's answer: %w", req.Op, err)
		}
	}
	if !resp.OK {
		if resp.Error == nil {
			return fmt.Errorf("%s: the agent failed without saying why", req.Op)
		}
		return &RemoteError{Code: resp.Error.Code, Message: resp.Error.Message}
	}
	return nil
}

// Status returns what the server says about itself.
func (c *Client) Status(ctx context.Context) (*Status, error) {
	var st Status
	if err := c.call(ctx, request{Op: opStatus}, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// List returns the summaries of the wallet's credentials (wallet.List).
func (c *Client) List(ctx context.Context) ([]wallet.Summary, error) {
	var list []wallet.Summary
	if err := c.call(ctx, request{Op: opList}, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Show verifies a credential again and returns its record
// (wallet.Reverify); id may be a unique prefix.
func (c *Client) Show(ctx context.Context, id string) (*wallet.Record, error) {
	var rec wallet.Record
	if err := c.call(ctx, request{Op: opShow, ID: id}, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// PassportRequest says which passport to build.
type PassportRequest struct {
	// Now is the passport's clock (the server's when zero).
	Now time.Time
	// Role is a role profile (passport.ParseRole's format) for a gap
	// analysis; RoleCode names a job role of a framework imported into the
	// wallet instead (wallet.FrameworkRole).
	Role     []byte
	RoleCode string
}

// Passport returns the passport view as JSON (passport.View), built as
// the wallet's own passport command builds it (with the imported
// frameworks' skill names).
func (c *Client) Passport(ctx context.Context, req PassportRequest) (json.RawMessage, error) {
	var view json.RawMessage
	if err := c.call(ctx, request{Op: opPassport, Role: req.Role, RoleCode: req.RoleCode, Now: req.Now}, &view); err != nil {
		return nil, err
	}
	return view, nil
}

// Connect accepts the invitation in data (agent.ParseInvitation's forms)
// and returns the connection id once DID Exchange has completed.
func (c *Client) Connect(ctx context.Context, data []byte) (string, error) {
	var out struct {
		ConnectionID string `json:"connectionId"`
	}
	if err := c.call(ctx, request{Op: opConnect, Invitation: data}, &out); err != nil {
		return "", err
	}
	return out.ConnectionID, nil
}

// Connections lists the agent's connections.
func (c *Client) Connections(ctx context.Context) ([]agent.Connection, error) {
	var list []agent.Connection
	if err := c.call(ctx, request{Op: opConnections}, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Inbox returns the offers waiting for the learner, oldest first.
func (c *Client) Inbox(ctx context.Context) ([]agent.Offer, error) {
	var list []agent.Offer
	if err := c.call(ctx, request{Op: opInbox}, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Offers returns every offer the agent has seen, whatever its state.
func (c *Client) Offers(ctx context.Context) ([]agent.Offer, error) {
	var list []agent.Offer
	if err := c.call(ctx, request{Op: opOffers}, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Accept accepts the offer id (or a unique prefix of at least 4
// characters) and waits until the credential is stored or refused. When
// the agent answers with an error and the offer as it stands (a refused
// credential: agent.ErrRejected), both are returned.
func (c *Client) Accept(ctx context.Context, id string) (*agent.Offer, error) {
	var off *agent.Offer
	err := c.call(ctx, request{Op: opAccept, ID: id}, &off)
	return off, err
}

// Decline refuses the offer id and tells the issuer, with reason.
func (c *Client) Decline(ctx context.Context, id, reason string) error {
	return c.call(ctx, request{Op: opDecline, ID: id, Reason: reason}, nil)
}

// UseMediator connects to the mediator whose invitation is in data
// (agent.ParseInvitation's forms), asks it to mediate and returns it once
// it has granted mediation (agent.Agent.UseMediator); a refusal unwraps to
// agent.ErrMediatorRefused.
func (c *Client) UseMediator(ctx context.Context, data []byte) (*agent.Mediator, error) {
	var m agent.Mediator
	if err := c.call(ctx, request{Op: opMediatorUse, Invitation: data}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Mediator returns the mediator the agent uses, or an error that unwraps
// to agent.ErrNoMediator.
func (c *Client) Mediator(ctx context.Context) (*agent.Mediator, error) {
	var m agent.Mediator
	if err := c.call(ctx, request{Op: opMediator}, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// Pickup asks the mediator for the messages it holds and returns how many
// arrived (agent.Agent.Pickup); when an error ends the pickup, the count
// of those delivered before it comes with it.
func (c *Client) Pickup(ctx context.Context) (int, error) {
	var res PickupResult
	err := c.call(ctx, request{Op: opPickup}, &res)
	return res.Delivered, err
}

// Requests returns the presentation requests waiting for the learner,
// oldest first, without their matches; with all, every request the agent
// has seen, whatever its state.
func (c *Client) Requests(ctx context.Context, all bool) ([]agent.Request, error) {
	var list []agent.Request
	if err := c.call(ctx, request{Op: opRequests, All: all}, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Request returns the request id (or a unique prefix of at least 4
// characters) with the learner's credentials that match each descriptor.
func (c *Client) Request(ctx context.Context, id string) (*agent.Request, error) {
	var r agent.Request
	if err := c.call(ctx, request{Op: opRequest, ID: id}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Share answers request id with a presentation of the credentials sel
// picks (agent.Selection; nil takes the first usable match of each
// descriptor) and returns the request as answered. A request that cannot be
// answered as chosen gives an error that unwraps to agent.ErrCannotAnswer,
// and nothing is sent; when the agent answers with an error and the
// request as it stands (a presentation that could not be sent), both are
// returned.
func (c *Client) Share(ctx context.Context, id string, sel agent.Selection) (*agent.Request, error) {
	var r *agent.Request
	err := c.call(ctx, request{Op: opShare, ID: id, Selection: sel}, &r)
	return r, err
}

// PreviewShare returns what Share(ctx, id, sel) would send now, worked
// out by the agent's own plan (agent.Agent.PreviewShare): the credentials
// in the order of the presentation, what of each is disclosed (whole, or
// derived with the names of the claims shown), the input descriptors each
// answers, and the challenge and domain the presentation is bound to.
// Nothing is signed or sent and the request stays pending. It fails where
// Share would fail before signing, with errors that unwrap to the same
// sentinels (agent.ErrNoRequest, agent.ErrRequestAnswered,
// agent.ErrCannotAnswer, ...).
func (c *Client) PreviewShare(ctx context.Context, id string, sel agent.Selection) (*agent.SharePreview, error) {
	var pv agent.SharePreview
	if err := c.call(ctx, request{Op: opPreviewShare, ID: id, Selection: sel}, &pv); err != nil {
		return nil, err
	}
	return &pv, nil
}

// DeclineRequest refuses request id and tells the verifier, with reason.
func (c *Client) DeclineRequest(ctx context.Context, id, reason string) error {
	return c.call(ctx, request{Op: opDeclineRequest, ID: id, Reason: reason}, nil)
}
