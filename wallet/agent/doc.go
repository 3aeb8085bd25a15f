// Package agent is the learner's DIDComm agent: it connects the wallet to
// issuers over DIDComm v1 (aries-framework-go v0.3.2) and receives Open Badges
// and other W3C credentials into the wallet, only with the learner's consent.
//
// # What it does
//
//   - New starts an aries framework whose stores live in the wallet's
//     encrypted bbolt file (wallet.AgentStorage), whose keys are the wallet's
//     (wallet.AgentKMS, sealed under the passphrase), with HTTP inbound on a
//     listener we own and HTTP and WebSocket outbound. The address is kept in the wallet
//     and reused at the next start, because the wallet's connections send
//     there.
//   - Connect accepts an out-of-band 1.0 invitation (a link with ?oob= or
//     ?c_i=, the invitation JSON, or a QR image of either; see
//     ParseInvitation) and runs DID
//     Exchange (RFC 0023) until the connection is complete.
//   - An issue-credential 2.0 offer with an RFC 0593 JSON-LD attachment
//     (aries/ld-proof-vc-detail@v1.0) lands in the inbox (Inbox, Offer),
//     kept in the wallet file so that it survives a restart. Nothing is
//     requested until Accept; Decline sends the issuer a problem report
//     (code "rejected", with the learner's reason in "en").
//   - Accept replays the offer's RFC 0593 detail as the request, binding
//     the credential to the learner's Ed25519 did:key when the offer leaves
//     credentialSubject.id open.
//   - The credential that answers an accepted offer must match the request
//     (issuer, types, subject, proof type) and then goes through
//     (*wallet.Wallet).Import: the same verification and the same single
//     copy as a file import. A credential that fails either is not stored and
//     the issuer gets a problem report with the reason; one that passes is
//     acknowledged (ack), which completes the protocol.
//   - While the wallet is locked (wallet.Lock) the agent cannot read its
//     keys or stores: incoming messages are refused (the sender sees HTTP
//     500) and calls fail with wallet.ErrLocked; after Unlock it carries on.
//     Messages sent meanwhile are lost to the sender's retries unless a
//     mediator holds them.
//   - A verifier's present-proof 2.0 request with a DIF Presentation
//     Exchange definition lands in the request inbox (Requests, Request:
//     what each input descriptor asks and which credentials match; see
//     presexch.go). Nothing is sent until Share, which answers with a
//     presentation the wallet makes and the learner signs (wallet.Present)
//     for the verifier's challenge and domain, BBS+ credentials derived to
//     the fields asked where the request limits disclosure; DeclineRequest
//     tells the verifier.
//   - UseMediator registers the agent with a mediator (RFC 0211) from its
//     invitation and keeps it in the wallet; connections made afterwards
//     receive through it, and every start picks up (RFC 0212 batch pickup)
//     what it held while the agent was stopped (Pickup; see mediator.go).
//
// # Workarounds for aries-framework-go v0.3.2
//
// The project is archived; these are ours to carry:
//
//   - aries' HTTP inbound binds in a goroutine and calls Fatalf when the
//     port is taken. We listen ourselves (a taken port is ErrPortTaken, at
//     New) and serve aries' NewInboundHandler on that listener, with a body
//     limit (MaxMessageBytes) and server timeouts aries does not set. That
//     transport and the framework set-up are package wallet/didcomm, shared
//     with the issuer.
//   - The default issue-credential middleware (SaveCredentials) stores a
//     second copy of every credential in aries' verifiable store, and aries'
//     RFC 0593 holder check (rfc0593.VerifyCredential /
//     ValidateVCMatchesSpecOptions) fails whenever the offer has no domain or
//     challenge (it compares "" with an absent field) and does not know
//     Ed25519Signature2020. We register our own issue-credential service
//     (it comes first, so it receives every issue-credential message) with no
//     middleware, drive it through ActionContinue/ActionStop by protocol
//     instance id, and do the RFC 0593 steps ourselves (request from the
//     offer's detail, match check, verification by the wallet). aries still
//     creates its default issue-credential service as well: it is never
//     handed a message, but its goroutine lives as long as the process.
//   - aries' problem report carries only a code. Our service talks through
//     a Messenger wrapper that adds the learner's reason ("en", as RFC 0035
//     describes) and tells Accept and Decline whether their message left
//     (aries sends from its own goroutine and only logs failures). The
//     outcomes are matched to waiters in order per thread: the issuer's
//     credential can arrive, and its ack be queued, before the send of the
//     request that asked for it has returned.
//   - aries' DIDComm v1 packer accepts only a *localkms.LocalKMS (it type-
//     asserts), so the agent takes the wallet's own KMS (wallet.AgentKMS),
//     not the lock-aware wrapper (wallet.KeyManager); the KMS holds no key of
//     its own and reads the locked store as the wallet does.
//   - aries keeps connection records under the same store name and keys in
//     the permanent and the protocol-state store. Both live in the wallet
//     file here, so the protocol-state stores get a name prefix ("state-").
//   - aries starts its inbound transports inside aries.New, before anyone
//     can register for its events; a message arriving then is refused. Our
//     transport serves only once the agent has registered and taken up what
//     the previous run left (Actions in aries' store).
//   - aries' Close does not drain in-flight work (its protocol services send
//     from goroutines of their own) and leaves its protocol goroutines
//     behind (9 per New/Close, measured here). Close stops our HTTP server
//     (waiting for requests in progress), waits up to 5 s for the replies
//     our service has started (requests, acks, problem reports; our
//     Messenger sees each leave), then stops our goroutines, so that nothing
//     of ours touches the wallet after Close returns. A protocol step with
//     no reply (taking note of the issuer's problem report) may still be
//     saved by aries after that and fail harmlessly on the closed wallet.
//   - aries logs through its own logger to stderr, noisily (for example
//     "handleDIDEvent: ParentThreadID is empty" after every DID Exchange).
//     The agent leaves the process-wide log level to the program.
//   - aries' ws transport keeps sockets in a pool whose incoming messages
//     go straight to the framework, past our guard, and dials with
//     http.DefaultClient. We do not use it: invitations and DIDs with a
//     ws:// or wss:// endpoint are sent to by didcomm.WSOutbound (send-only:
//     one socket per message, dialled with our client, no return route;
//     replies come to our HTTP inbound).
//
// An Agent does not own the wallet: close the Agent before the Wallet.
package agent
