// Package issuer is the issuer agent a training provider or LMS team runs
// (command skillpass-issuer): it invites learners over DIDComm v1
// (aries-framework-go v0.3.2), offers them Open Badges 3.0 achievements from
// a catalogue and issues the credentials they accept, with a revocation
// status list it serves itself.
//
// # What it does
//
//   - The issuer keeps its DID, keys and records in a wallet of its own
//     (package wallet: an encrypted bbolt file, keys under the passphrase's
//     secret lock). Its DID is the wallet's Ed25519 did:key, the same across
//     restarts; it is the issuer and the signer of every credential but the
//     BBS+ ones, which are issued and signed by the wallet's BLS12-381 G2
//     did:key (BBSDID; a did:key holds one key, and verifiers check that
//     the signing key belongs to the issuer).
//   - Start runs aries on that wallet's store and KMS, with HTTP inbound on a
//     listener of our own (a taken port is ErrPortTaken, at Start; both set
//     up by package wallet/didcomm, as for the learner's agent), and
//     serves on the same listener: POST DIDComm messages; GET / the
//     invitation JSON, /status/1 the status list credential (of the
//     Ed25519 DID), /status/2 that of the BBS+ credentials, /pathways.json
//     the catalogue's pathways in the passport pathway file format.
//   - InvitationURL is an out-of-band 1.0 invitation (DID Exchange 1.0),
//     http://HOST:PORT/?oob=<base64url JSON>, checked with the learner's own
//     parser (agent.ParseInvitation). It is kept in the wallet and served
//     again by a restart on the same endpoint (and label), so printed QR
//     codes keep working; another endpoint gets a new one.
//   - Offer sends an issue-credential 2.0 offer with an RFC 0593
//     aries/ld-proof-vc-detail@v1.0 attachment: an OpenBadgeCredential for
//     the achievement, with credentialSubject.id left open; with
//     Options.AutoOffer the catalogue's first achievement is offered on every
//     new connection. The learner's request may only fill in its DID
//     (credentialSubject.id, which must be a DID) and ask for the offer's
//     proof type: the issuer signs its own offered credential, not what the
//     request says.
//   - Credentials use VC Data Model 1.1 (aries signs only 1.1): contexts
//     credentials/v1, the Open Badges 3.0 context made for it
//     (purl.imsglobal.org/spec/ob/v3p0/context.json), Status List 2021 and
//     Ed25519Signature2020; proof Ed25519Signature2020 by the issuer's
//     did:key (assertionMethod). Each carries a StatusList2021Entry
//     (revocation) at a random free index of the issuer's one list of
//     StatusListSize entries, served at /status/1 and signed by the issuer.
//   - Proofs (Options.Proof, serve --proof, or an achievement's "proof" in
//     the catalogue, which wins): ProofEd25519 (the default, as above);
//     ProofBBS: VC 1.1 with BbsBlsSignature2020 (context
//     w3id.org/security/bbs/v1) by the BLS12-381 G2 did:key, signed through
//     aries under verify.LockBBS, with every nested object that has no id
//     (criteria, alignment and result entries, identifiers) given a fresh
//     urn:uuid: id so the learner can derive credentials that disclose
//     single claims; its status entry points at /status/2, a StatusList2021
//     credential issued and BBS+-signed by the same DID (a list must have
//     the credential's issuer); ProofEdDSA2022: VC Data Model 2.0
//     (credentials/v2, the Open Badges 3.0.3 context, Status List 2021,
//     validFrom) with a DataIntegrityProof, cryptosuite eddsa-rdfc-2022,
//     by the Ed25519 did:key (package verify/dataintegrity), its status on
//     /status/1. The offer's RFC 0593 options name the proof type.
//   - Revoke (and the offline Revoke for the command's revoke when no
//     serve runs) sets the credential's bit; the served list changes at
//     once. The list's issuanceDate (and its proof's created) is the time of
//     its last change, never moved back, so the same list is served byte
//     for byte across restarts until a revocation; it is served with
//     Last-Modified, an ETag and Cache-Control no-cache. Verifiers that keep
//     their own copies see a revocation when their copy expires (Skillpass:
//     5 minutes).
//   - Offer takes OfferOptions: the learner's name (an IdentityObject in
//     credentialSubject.identifier), a fixed issuance date and a result
//     text or score (a Result pointing at a ResultDescription added to the
//     achievement). IssueBatch offers the rows of a CSV file (see
//     ParseBatch): every row is checked first, and a file with a bad row
//     sends nothing unless told to skip bad rows; rows already offered are
//     not offered twice.
//   - ServeAdmin serves the admin endpoint: a unix socket DIR/admin.sock,
//     owner-only (0600, made under umask 0177), refused in a folder others
//     may write to, a stale socket replaced, removed on Close. One JSON
//     request per connection (at most MaxAdminRequest bytes), one JSON
//     answer; AdminClient is its client.

// # Catalogue file
//
// JSON; unknown fields are errors (typos do not pass silently):
//
//	{
//	  "issuer": {"name": "Northbridge Data Academy", "url": "https://academy.example/",
//	             "email": "badges@academy.example"},
//	  "achievements": [{
//	    "id": "https://academy.example/achievements/sql",   absolute URI, unique (required)
//	    "name": "SQL for Data Analysis",                     (required)
//	    "description": "Writes SQL queries …",               (required)
//	    "criteria": {"narrative": "Passed the …", "id": "https://…"},   narrative or id (required)
//	    "image": "https://academy.example/badges/sql.png",   http(s) URL
//	    "achievementType": "Course",                         Open Badges 3.0 AchievementType or ext:…
//	    "alignments": [{"targetName": "Database querying",   targetName, targetUrl required
//	                    "targetUrl": "https://frameworks.example/DS-DB-201",
//	                    "targetCode": "DS-DB-201", "targetFramework": "…", "targetType": "…"}],
//	    "level": "Level 2",                                  a label passport.ParseLevel reads
//	    "category": "functional",                            a category passport.ParseCategory reads
//	    "tags": ["sql"],
//	    "proof": "bbs"                                       ed25519, bbs or eddsa-2022 (default: serve --proof)
//	  }],
//	  "pathways": [{"id": "junior-data-analyst", "name": "Junior Data Analyst",
//	                "requires": ["https://academy.example/achievements/sql", …]}]
//	}
//
// In the credential, alignments become achievement.alignment[], the level a
// credentialSubject.result[] with that value (the passport reads it as the
// achievement's level), and the category's label a tag. Pathways are not
// part of any credential; GET /pathways.json publishes them.
//
// # Command
//
// Run is skillpass-issuer (the passphrase comes from PassphraseEnv):
//
//	skillpass-issuer --dir DIR serve --listen HOST:PORT --catalog FILE [--endpoint URL] [--auto-offer] [--proof ed25519|bbs|eddsa-2022]
//	skillpass-issuer --dir DIR offer --connection C --achievement A [--subject-name NAME] [--date YYYY-MM-DD] [--result TEXT]
//	skillpass-issuer --dir DIR issue-batch [--skip-invalid] [--json] FILE.csv
//	skillpass-issuer --dir DIR revoke CREDENTIAL_ID
//	skillpass-issuer --dir DIR connections [--json]
//	skillpass-issuer --dir DIR issued [--json]
//
// serve creates the wallet in DIR on first run, prints the invitation URL as
// the first line on stdout, writes its QR code to DIR/invitation.png, serves
// the admin endpoint and logs events to stderr until interrupted. offer and
// issue-batch act through the admin endpoint and need a running serve;
// revoke, connections and issued use it when serve runs and open the wallet
// themselves when not. C is a connection id, the learner's DID on the
// connection, or a DID the issuer issued a credential about on it.
package issuer
