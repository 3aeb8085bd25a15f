package agent

import (
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/presentproof"
)

// messenger wraps aries' Messenger for our issue-credential and
// present-proof services. It adds
// the learner's reason to problem reports (aries sends only a code) and
// reports the outcome of every reply to whoever waits on its thread (aries
// sends from a goroutine of its own and only logs failures).
type messenger struct {
	service.Messenger
	a *Agent
}

// ReplyToMsg sends out as a reply to in and reports the outcome.
func (m *messenger) ReplyToMsg(in, out service.DIDCommMsgMap, myDID, theirDID string, opts ...service.Opt) error {
	err := m.Messenger.ReplyToMsg(in, out, myDID, theirDID, opts...)
	if thid, e := in.ThreadID(); e == nil {
		m.a.sent(thid, err, err != nil)
	}
	return err
}

// ReplyToNested sends msg on a new thread whose parent is opts.ThreadID (how
// aries sends problem reports), with the learner's reason added to a
// problem report, and reports the outcome.
func (m *messenger) ReplyToNested(msg service.DIDCommMsgMap, opts *service.NestedReplyOpts) error {
	thid := ""
	if opts != nil {
		thid = opts.ThreadID
	}
	if (msg.Type() == issuecredential.ProblemReportMsgTypeV2 || msg.Type() == presentproof.ProblemReportMsgTypeV2) && thid != "" {
		if reason := m.a.reason(thid); reason != "" {
			desc, ok := msg["description"].(map[string]interface{})
			if !ok {
				desc = map[string]interface{}{"code": "rejected"}
			}
			desc["en"] = reason
			msg["description"] = desc
		}
	}
	err := m.Messenger.ReplyToNested(msg, opts)
	if thid != "" {
		m.a.sent(thid, err, false)
	}
	return err
}

// expectSend registers that our service is about to send a message on
// thread thid (reason, when not empty, goes into a problem report on it) and
// returns a channel that receives the outcome of that send. Sends on a
// thread are reported in the order aries makes them (one goroutine of its
// own sends them all), so waiters queue per thread: the credential may
// arrive, and its ack be queued, before the request that asked for it has
// been reported sent. Close waits (up to shutdownGrace) for every queued
// send.
func (a *Agent) expectSend(thid, reason string) <-chan error {
	ch := make(chan error, 1)
	a.mu.Lock()
	a.sends[thid] = append(a.sends[thid], ch)
	if reason != "" {
		a.reasons[thid] = reason
	}
	a.mu.Unlock()
	return ch
}

// setReason keeps reason for the next problem report on thread thid.
func (a *Agent) setReason(thid, reason string) {
	a.mu.Lock()
	a.reasons[thid] = reason
	a.mu.Unlock()
}

// reason returns (and forgets) the reason kept for thread thid.
func (a *Agent) reason(thid string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	r := a.reasons[thid]
	delete(a.reasons, thid)
	return r
}

// sent hands the outcome of a message on thread thid to the first waiter
// of the thread, if any. followUp says that aries sends another message on
// the thread right away (a failed reply is followed by a problem report):
// a place is kept for it at the front of the queue, so that Close waits for
// it and it is not taken for the next expected message.
func (a *Agent) sent(thid string, err error, followUp bool) {
	a.mu.Lock()
	var ch chan error
	if q := a.sends[thid]; len(q) > 0 {
		ch, q = q[0], q[1:]
		if followUp {
			q = append([]chan error{make(chan error, 1)}, q...)
		}
		if len(q) == 0 {
			delete(a.sends, thid)
		} else {
			a.sends[thid] = q
		}
	}
	a.mu.Unlock()
	if ch != nil {
		ch <- err // buffered: never blocks, even when its waiter gave up
	}
}

// cancelSend withdraws the expected send ch of thread thid: aries refused
// the step synchronously, so nothing will be sent.
func (a *Agent) cancelSend(thid string, ch <-chan error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := a.sends[thid]
	for i, c := range q {
		if c == ch {
			q = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	if len(q) == 0 {
		delete(a.sends, thid)
		delete(a.reasons, thid)
	} else {
		a.sends[thid] = q
	}
}

// drain waits until every expected send has happened, at most grace.
func (a *Agent) drain(grace time.Duration) {
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		a.mu.Lock()
		n := len(a.sends)
		a.mu.Unlock()
		if n == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
