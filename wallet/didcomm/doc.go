// Package didcomm is the aries framework set-up and HTTP transport shared by
// the learner's agent (wallet/agent) and the issuer (wallet/issuer).
//
//   - NewFramework starts aries on a wallet's agent store and KMS
//     (wallet.AgentStorage, wallet.AgentKMS), with the protocol-state stores
//     under a name prefix of the caller's (aries uses the same store names
//     and keys in its permanent and protocol-state stores, so the two must
//     not be one store in the wallet file).
//   - Listen opens our own TCP listener: aries' HTTP inbound binds in a
//     goroutine and calls Fatalf when the port is taken, so a taken port is
//     ErrPortTaken here, before aries starts. The Inbound it returns serves
//     aries' inbound handler with a message size limit (MaxMessageBytes) and
//     server timeouts aries does not set, and, optionally, the caller's own
//     GET resources on the same port. aries starts inbound transports inside
//     aries.New, before anyone listens for events, so an Inbound serves only
//     once its owner calls Serve.
//   - Every message aries unpacks passes a guard before aries handles it
//     (guard.go has the rules and why the guard sits where it does):
//     authcrypt only, except for DID Exchange messages; the
//     sender's key must be a key of the connection the message claims (by
//     the key it was sent to, and by its thread where the owner binds
//     threads, GuardOptions.Threads); no message id twice from one sender
//     (remembered in memory and in the protocol-state store, so across a
//     restart) and nothing past its ~timing.expires_time; the messages only
//     a mediator takes are refused (our agents use mediators, they are none)
//     and a mediator's own messages are taken only from the connection the
//     owner names (GuardOptions.Mediator). NewFramework installs it
//     (Inbound.Protect); an Inbound without one does not serve.
//   - aries' message pickup service (RFC 0212) hands the messages a batch
//     delivers to the framework's handler, unchecked. NewFramework registers
//     its own instance of that service, handing them to the guard instead,
//     so a message held by a mediator is judged like one sent over HTTP.
//   - aries v0.3.2's unpack code panics on a body that is a lone double
//     quote (and on a quoted base64 of one); the Inbound refuses those
//     before aries reads them and recovers any other panic of the unpack
//     code (unpack.go; FuzzInbound found them).
//   - NewHTTPClient is the outbound client: its own transport (never
//     http.DefaultTransport), bounded in time.
package didcomm
