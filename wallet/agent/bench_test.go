package agent

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// BenchmarkReceive measures one receipt, from the issuer's invitation to the
// credential stored: DID Exchange, offer, request, credential. Both holders
// talk HTTP on 127.0.0.1 to the same kind of issuer (aries, in-memory).
//
//   - ours: our agent on a real wallet (encrypted bbolt file, the learner's
//     consent given as soon as the offer is in the inbox, the credential
//     matched against the offer and verified by the wallet's verifier, one
//     copy stored with its verdict).
//   - aries-mem: a plain aries holder with in-memory stores and aries'
//     defaults: offers continued as they come, the credential parsed (proof
//     checked) and saved by aries' SaveCredentials middleware.
func BenchmarkReceive(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		is := newIssuer(b)
		offers := make(chan string, 4)
		l := newLearner(b, Options{OnOffer: func(o Offer) {
			if o.State == OfferPending {
				offers <- o.ID
			}
		}})
		ctx := context.Background()
		receive := func(i int) {
			invID, link := is.invitation(b)
			_, err := l.a.Connect(ctx, link)
			require.NoError(b, err)
			piid := is.offer(b, is.connectionFor(b, invID), i)
			select {
			case id := <-offers:
				require.Equal(b, piid, id)
			case <-time.After(15 * time.Second):
				b.Fatal("no offer")
			}
			o, err := l.a.Accept(ctx, piid)
			require.NoError(b, err)
			require.Equal(b, OfferStored, o.State)
		}
		measureReceipts(b, receive)
		n, err := l.w.Count()
		require.NoError(b, err)
		require.Equal(b, b.N+1, n, "one record per receipt")
	})
	b.Run("aries-mem", func(b *testing.B) {
		is := newIssuer(b)
		h := newAriesHolder(b)
		receive := func(i int) {
			invID, link := is.invitation(b)
			inv, err := ParseInvitation(link)
			require.NoError(b, err)
			connID, err := h.oob.AcceptInvitation(inv.inv, "aries holder")
			require.NoError(b, err)
			h.wait(b, h.connected, connID)
			piid := is.offer(b, is.connectionFor(b, invID), i)
			h.wait(b, h.stored, piid)
		}
		measureReceipts(b, receive)
	})
}

// measureReceipts times b.N receipts, receive(1) to receive(b.N), after
// receive(0) as a warm-up (JSON-LD contexts are processed once per
// process), and reports the median and the resident set.
func measureReceipts(b *testing.B, receive func(i int)) {
	receive(0)
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		receive(i + 1)
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	reportMedian(b, took)
	reportRSS(b)
}

// reportMedian reports the median receipt as "median-ms" (the machines are
// shared: a median is steadier than the mean ns/op).
func reportMedian(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
}

// reportRSS reports the process's resident set after the receipts as
// "rss-MB". The issuer runs in the same process, so for the learner's agent
// alone this is an upper bound.
func reportRSS(b *testing.B) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return // not Linux: no figure
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err == nil {
				b.ReportMetric(kb/1024, "rss-MB")
			}
		}
	}
}

// ariesHolder is a holder built on aries alone, with in-memory stores and
// aries' default issue-credential middleware.
type ariesHolder struct {
	fw        *aries.Aries
	oob       *outofband.Client
	connected chan string // connection ids completed
	stored    chan string // piids whose credential was saved
}

func newAriesHolder(b *testing.B) *ariesHolder {
	b.Helper()
	// aries' own HTTP inbound, not ours: the baseline has none of our
	// checks (our Inbound serves only behind the DIDComm guard).
	addr := freeAddr(b)
	in, err := arieshttp.NewInbound(addr, "http://"+addr, "", "")
	require.NoError(b, err)
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(didcomm.NewHTTPClient()))
	require.NoError(b, err)
	h := &ariesHolder{connected: make(chan string, 4), stored: make(chan string, 4)}
	h.fw, err = aries.New(
		aries.WithStoreProvider(mem.NewProvider()),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(in),
		aries.WithOutboundTransports(out),
		aries.WithJSONLDDocumentLoader(controltest.Loader(b)),
	)
	require.NoError(b, err)
	ctx, err := h.fw.Context()
	require.NoError(b, err)
	h.oob, err = outofband.New(ctx)
	require.NoError(b, err)
	didex, err := didexchange.New(ctx)
	require.NoError(b, err)
	svc, err := ctx.Service(issuecredential.Name)
	require.NoError(b, err)
	ic := svc.(*issuecredential.Service)
	didStates := make(chan service.StateMsg, 64)
	icStates := make(chan service.StateMsg, 64)
	actions := make(chan service.DIDCommAction, 16)
	require.NoError(b, didex.RegisterMsgEvent(didStates))
	require.NoError(b, ic.RegisterMsgEvent(icStates))
	require.NoError(b, ic.RegisterActionEvent(actions))
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case st := <-didStates:
				if st.Type == service.PostState && st.StateID == didexsvc.StateIDCompleted {
					if p, ok := st.Properties.(interface{ ConnectionID() string }); ok {
						h.connected <- p.ConnectionID()
					}
				}
			case st := <-icStates:
				if st.Type == service.PostState && st.StateID == "done" {
					if p, ok := st.Properties.(interface{ PIID() string }); ok {
						h.stored <- p.PIID()
					}
				}
			case act := <-actions:
				piid := ""
				if p, ok := act.Properties.(interface{ PIID() string }); ok {
					piid = p.PIID()
				}
				if act.Message.Type() == issuecredential.IssueCredentialMsgTypeV2 {
					act.Continue(issuecredential.WithFriendlyNames(piid))
				} else {
					act.Continue(nil) // the offer's detail goes back as the request
				}
			}
		}
	}()
	waitListening(b, addr)
	b.Cleanup(func() {
		close(quit)
		<-done
		_ = h.fw.Close()
	})
	return h
}

// wait waits for id on ch.
func (h *ariesHolder) wait(b *testing.B, ch chan string, id string) {
	b.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case got := <-ch:
			if got == id {
				return
			}
		case <-timeout:
			b.Fatalf("aries holder: %s never came", id)
		}
	}
}

// freeAddr returns a 127.0.0.1 address with a port that was free a moment
// ago (aries' HTTP inbound binds by itself, in a goroutine).
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	addr := ln.Addr().String()
	require.NoError(b, ln.Close())
	return addr
}

// waitListening waits until something accepts connections on addr.
func waitListening(b *testing.B, addr string) {
	b.Helper()
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			_ = c.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Fatalf("nothing listens on %s", addr)
}
