package agent

import (
	"errors"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// Dropped describes an inbound message the agent refused before aries
// handled it (see Options.OnDrop). Its Reason wraps one of
// didcomm.ErrNotAuthenticated, didcomm.ErrWrongSender, didcomm.ErrReplay,
// didcomm.ErrExpired, didcomm.ErrMalformed or didcomm.ErrNotExpected, or is
// a failure to check (the agent then refuses too).
type Dropped = didcomm.Dropped

// guardOptions are the inbound checks of the learner's agent (package
// wallet/didcomm applies them to every message, before aries): only
// authcrypt messages from a connection's own key, except DID Exchange;
// no message id twice; nothing expired; a message on the thread of an
// offer or a presentation request in the inbox only from the connection it
// came on; and a
// mediator's messages only from the learner's mediator (see mediator.go).
func (a *Agent) guardOptions() didcomm.GuardOptions {
	return didcomm.GuardOptions{Threads: a.threadOwner, OnDrop: a.opts.OnDrop, Mediator: a.isMediator}
}

// threadOwner is the thread binding of the learner's agent: an offer's or
// a presentation request's protocol instance belongs to the connection it
// arrived on.
func (a *Agent) threadOwner(piid string) (didcomm.Pair, bool, error) {
	p, ok, err := a.offerThread(piid)
	if ok || err != nil {
		return p, ok, err
	}
	return a.requestThread(piid)
}

// offerThread is the thread binding of the learner's agent: an offer's
// protocol instance belongs to the connection (DID pair) it arrived on, as
// its record keeps it. Unknown instances and records without DIDs bind
// nothing; a record that cannot be read (a locked wallet) fails the check.
func (a *Agent) offerThread(piid string) (didcomm.Pair, bool, error) {
	return recordThread(piid, a.loadOffer, func(r *offerRecord) (string, string) { return r.MyDID, r.TheirDID })
}

// recordThread is the thread binding that the record of protocol instance
// piid gives, read by load, with dids taking its DID pair (see
// offerThread).
func recordThread[R any](piid string, load func(piid string) (*R, error), dids func(*R) (myDID, theirDID string)) (didcomm.Pair, bool, error) {
	rec, err := load(piid)
	if errors.Is(err, wallet.ErrAgentRecordNotFound) {
		return didcomm.Pair{}, false, nil
	}
	if err != nil {
		return didcomm.Pair{}, false, err
	}
	myDID, theirDID := dids(rec)
	if myDID == "" && theirDID == "" {
		return didcomm.Pair{}, false, nil
	}
	return didcomm.Pair{MyDID: myDID, TheirDID: theirDID}, true, nil
}
