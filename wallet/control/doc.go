// Package control is the local control channel of a running wallet agent:
// while one process (`skillpass-cli agent`, or the desktop app) holds a
// wallet and its DIDComm agent, other processes of the same user reach them
// through a unix socket in the wallet folder instead of opening the bbolt
// file, which only one process can hold.
//
// # Access
//
// The socket is DIR/agent.sock (SocketName), mode 0600. Listen refuses a
// wallet folder that is group- or world-writable or owned by another user,
// binds the socket in a fresh private (0700) folder inside the wallet folder
// and renames it into place, so that it is never reachable with looser
// permissions. On Linux the server also checks the peer's uid
// (SO_PEERCRED) on every connection and hangs up on other users. A socket
// file left behind by a process that died is removed when nothing answers on
// it; one that answers means another server runs (ErrAlreadyServing); a file
// at that path that is not a socket is never removed (ErrNotSocket).
//
// # Protocol
//
// One request per connection: the client writes one JSON object and a
// newline, the server answers with one JSON object and a newline and hangs
// up. Requests are at most MaxRequestBytes; clients read at most
// MaxResponseBytes. Every message carries "v": Version; a server answers a
// request of another version with the error code "version".
//
//	request:  {"v":1, "op":"accept", "id":"3f1c"}
//	answer:   {"v":1, "ok":true, "result":{...}}
//	          {"v":1, "ok":false, "error":{"code":"no_offer","message":"..."}, "result":...}
//
// Operations: status, list, show (id), passport (role or roleCode, now),
// connect (invitation, base64 in JSON), connections, inbox, offers,
// accept (id), decline (id, reason), mediator-use (invitation), mediator,
// pickup, requests (all), request (id), share (id, selection: input
// descriptor id to credential id), preview-share (id, selection: what share
// would send, sending nothing), decline-request (id, reason). While the
// wallet is locked every operation but status answers the code "locked".
// Error codes map back to the sentinel errors of packages wallet and agent
// (wallet.ErrLocked, agent.ErrNoOffer, ...), so a Client's caller branches
// on them with errors.Is as if it held the wallet itself.
package control
