package cli

// All wording the command line shows lives here, so it reads as one voice and
// can be reviewed (and one day translated) in one place.

const usageText = `skillpass-cli: your learner wallet and skills passport, on the command line.

Usage:
  skillpass-cli [--wallet DIR] COMMAND [flags] [args]

Wallet commands (the passphrase comes from SKILLPASS_PASSPHRASE, else a prompt):
  init                          create a new wallet
  import FILE...                verify credentials and keep those that pass
                                (JSON, presentation, VC-JWT, baked PNG or SVG badge,
                                Open Badges 2.0 assertion or signed JWS, CLR 2.0
                                transcript, sealed Europass credential)
  list [--json]                 list the credentials in the wallet
  show ID [--json]              verify one credential again and show its checks
  linkedin ID [--ob2 OUT.json]  print the LinkedIn "Add licence or certification" link
                                for a credential; --ob2 also writes an unsigned Open
                                Badges 2.0 style export of it
  identities [--json]           list the wallet's own DIDs
  passport [--json] [--role FILE|CODE]
                                your skills by category, level and freshness;
                                pathways, expiring credentials, gaps against a role
                                (a role-profile JSON file, or a job role's code or
                                title from an imported skills framework)
  framework import FILE.xlsx [NAME]
                                keep the SkillsFuture Skills Framework workbook in the
                                wallet (sheet Job Role_TCS_CCS); NAME defaults to the
                                file's name, and replaces a framework of that name
  framework list [--json]       the imported skills frameworks
  framework roles [NAME] [--sector S] [--json]
                                the job roles and their codes, for passport --role
  backup OUT                    write the whole wallet, encrypted, to the new file OUT
  restore IN                    add what a backup holds to the wallet (made first if
                                there is none); nothing is stored twice
  activity [--json]             the activity log (--json: JSON Lines, hash-chained)
  present --credential ID [--disclose CLAIM]... [--credential ID2] [--challenge C]
          [--domain D] [--expires T] [--qr OUT.png] [--sheet OUT.pdf] [--text]
                                show credentials to an employer as one QR code, signed
                                by you; T is RFC 3339, a date, or a duration (15m, 30d;
                                default 15m); --sheet: a printable A4 page with the
                                code printed large (it holds larger presentations than
                                a screen code); --text prints the code's text too
  passport export --file OUT [--credential ID]... [--expires T] [--audience TEXT]
                                a passport file for an advisor: the chosen credentials
                                (default: every verified, current one) signed by you,
                                valid 90 days unless --expires says otherwise
  passport export --pdf OUT [--role FILE|CODE] [--name TEXT]
                                a printable one-page summary of your skills passport
  passport category SKILL CATEGORY
                                put a skill under another category of your passport:
                                foundational, functional (technical), performance
                                (application) or leadership (behavioural); SKILL is its
                                name or its key (passport --json)
  passport category SKILL --clear
                                give the skill back the category its credentials give it
  passport categories [--json]  the skills you put under another category

Receiving credentials from issuers over DIDComm (while the agent runs, list, show
and passport go through it; the other wallet commands wait until it stops):
  agent [--listen HOST:PORT] [--endpoint URL]
                                run the wallet's agent in the foreground until Ctrl-C
  connect INVITATION            connect to an issuer: a link, its JSON, a QR code PNG
                                or - (prints the connection id)
  connections [--json]          the wallet's connections
  inbox [--json]                credential offers waiting for your answer
  accept ID                     ask for the offered credential; it is verified, then stored
  decline ID [--reason TEXT]    refuse the offer and tell the issuer why
  mediator INVITATION           receive through a mediator (an always-on agent) from
                                now on: what issuers send while the agent is stopped
                                waits there (prints its connection id and endpoint)
  mediator [--json]             the mediator in use, if any
  pickup [--json]               fetch what the mediator holds now (the agent also
                                does at every start)
  requests [--json] [--all]     verifiers' presentation requests waiting for your
                                answer (--all: every one, with how it was answered)
  request ID [--json]           what a request asks for, and which of your credentials
                                match each part
  share ID [--use DESCRIPTOR=CREDENTIAL]...
                                answer a request with a presentation signed by you;
                                shows what is disclosed, then sends it (--use picks
                                the credential for a part; default: the first match)
  decline-request ID [--reason TEXT]
                                refuse a request and tell the verifier why

Backups have a passphrase of their own: SKILLPASS_BACKUP_PASSPHRASE, else a prompt.

Career advisors (the notes are kept in your wallet; open works without one too):
  advisor open FILE... [--json] [--role FILE|CODE] [--offline] [--offline-dir DIR]
                                verify learners' passport files; show each holder, the
                                verdict, the skills and the gaps against a role; a
                                changed file is not verified and counts nothing
  advisor note --holder DID TEXT
                                keep a private note on a learner
  advisor notes [--holder DID] [--json]
                                your notes, on one learner or on all

Anyone (an employer needs no wallet):
  verify [--json] [--offline] [--offline-dir DIR] [--challenge C] [--domain D] FILE...|-
                                verify credentials or presentations: JSON, VC-JWT,
                                a baked badge, a QR code image (PNG) or its SP1 text;
                                --challenge/--domain: what the presentation must be bound to;
                                --recipient EMAIL: an Open Badges 2.0 badge must be
                                issued to EMAIL

Flags:
  --wallet DIR     the wallet folder (default: %s)
  --offline        never use the network (did:web and status lists become unknown)
  --offline-dir D  answer https://host/path from D/host/path instead of the network
  --fetch-badges   allow fetching what an Open Badges 2.0 badge names by URL (its
                   hosted copy, badge class, issuer, key, revocation list): this
                   tells the issuer the badge is being checked; --offline-dir D
                   allows it from D's copies only

Exit codes: 0 done or verified, 1 not verified or refused, 2 usage or I/O error.
`

const (
	msgErrPrefix       = "skillpass: error: "
	msgHintPrefix      = "hint: "
	msgUnknownCommand  = "unknown command %q"
	msgUnknownCommandH = "run `skillpass-cli help` to see the commands"
	msgNeedFiles       = "%s needs at least one file"
	msgNeedID          = "show needs a credential id"
	msgNeedIDHint      = "run `skillpass-cli list` to see the ids; the first few characters are enough"
	msgTooManyArgs     = "%s takes no more arguments (got %q)"
	msgNoWalletHint    = "create one with `skillpass-cli init` (or pass --wallet DIR)"
	msgWrongPassHint   = "check the passphrase (SKILLPASS_PASSPHRASE or the prompt); nothing in the wallet was changed"
	msgBusyHint        = "another Skillpass (the app or `skillpass-cli agent`) has this wallet open: stop it to run this command; while it runs, list, show, passport and the DIDComm commands (connect, inbox, accept, decline, mediator, pickup, requests, request, share, decline-request) go through it, except while the app is locked (it then serves no command): unlock the app, or close it"
	msgExistsHint      = "use that wallet, or pass --wallet DIR to create another one elsewhere"
	msgPassPrompt      = "Passphrase for %s: "
	msgNewPassPrompt   = "New passphrase (at least %d characters): "
	msgNewPassAgain    = "Passphrase again: "
	msgPassMismatch    = "the two passphrases differ"
	msgPassShort       = "the passphrase is shorter than %d characters"
	msgPassShortHint   = "a few unrelated words make a passphrase that is long and easy to remember"
	msgNoTTY           = "no passphrase: SKILLPASS_PASSPHRASE is not set and there is no terminal to ask on"
	msgNoTTYHint       = "set SKILLPASS_PASSPHRASE for scripts"
	msgCreated         = "Created a wallet in %s\n"
	msgCreatedIdentity = "  your %s identity: %s\n"
	msgCreatedWarning  = "Keep the passphrase safe: nobody, not even Skillpass, can recover it or the wallet without it.\n"
	msgImportStored    = "%s: stored %s  %s%s\n"
	msgImportDuplicate = "%s: already in the wallet as %s  %s\n"
	msgImportRejected  = "%s: rejected%s: %s\n"
	msgImportIssuer    = " (issuer %s)"
	msgImportSummary   = "%d stored, %d already there, %d rejected\n"
	msgListEmpty       = "The wallet holds no credentials yet. Add some with `skillpass-cli import FILE`.\n"
	msgVerified        = "VERIFIED"
	msgNotVerified     = "NOT VERIFIED"
	msgVerifyDash      = "verify reads standard input only once: use - at most once"
	msgReadFile        = "read %s: %w"
	msgPassportHead    = "Skills passport: %d credentials, %d skills (as of %s)\n"
	// msgSkillUnconfirmed marks a skill none of whose evidence was fully
	// checked (passport.SkillView.Unconfirmed: a status list or a
	// blockchain anchor that could not be read).
	msgSkillUnconfirmed = "; not fully checked"
	msgPassportEmpty    = "No skills yet: import credentials with `skillpass-cli import FILE`.\n"
	msgRoleHint         = "a role profile is a JSON file; see the passport package documentation for its format"
	msgOfflineBoth      = "--offline and --offline-dir together: --offline-dir already keeps verification off the network"
)

// Backup, restore and the activity log.
const (
	msgNeedBackupOut       = "backup needs one file to write: skillpass-cli backup OUT"
	msgBackupUsageHint     = "for example: skillpass-cli backup /media/usb/skillpass-2026-06-01.age"
	msgNeedRestoreIn       = "restore needs one backup file: skillpass-cli restore IN"
	msgRestoreUsageHint    = "give the file that `skillpass-cli backup` wrote"
	msgBackupExists        = "%s already exists: a backup never overwrites a file"
	msgBackupExistsHint    = "choose a new file name, or move the old file away first"
	msgNewBackupPassPrompt = "New backup passphrase, not the wallet's (at least %d characters): "
	msgBackupPassPrompt    = "Backup passphrase: "
	msgNoBackupTTY         = "no backup passphrase: SKILLPASS_BACKUP_PASSPHRASE is not set and there is no terminal to ask on"
	msgNoBackupTTYHint     = "set SKILLPASS_BACKUP_PASSPHRASE for scripts"
	msgBackupDone          = "Backed up the wallet (%d credentials, keys, identities, settings and the activity log) to %s\n"
	msgBackupKeepPass      = "Keep the backup passphrase apart from the file: without it nobody, not even Skillpass, can read the backup.\n"
	msgBackupPassHint      = "check the backup passphrase (SKILLPASS_BACKUP_PASSPHRASE or the prompt): it is the one given to `backup`, not the wallet's; nothing was changed"
	msgBackupDamagedHint   = "the file was cut short or changed since it was written; nothing was restored or changed. Try another copy of the backup"
	msgRestoreNewWallet    = "There is no wallet in %s yet: restoring into a new one. Choose its passphrase.\n"
	msgRestoreDone         = "Restored %s into %s\n"
	msgRestoreCounts       = "  credentials    %d added, %d already there\n" +
		"  identities     %d added, %d already there\n" +
		"  keys           %d added, %d already there\n" +
		"  other records  %d added, %d already there\n" +
		"  activity log   %d entries added\n"
	msgActivityEmpty      = "The activity log is empty.\n"
	msgActivityHeader     = "#\tTIME\tACTION\tOUTCOME\tWHAT\tCOUNTERPARTY\tDETAIL"
	msgActivityRestored   = "(from a backup)"
	msgActivityBrokenHint = "an entry was changed or removed outside Skillpass, or the file is damaged: keep a copy of the wallet folder and of the export for whoever looks into it"
	msgLockedHint         = "the wallet locked itself after a while unused; enter the passphrase again"
)

// Presentations.
const (
	msgPresentNeedCred     = "present needs at least one --credential ID"
	msgPresentNeedOut      = "present needs --qr OUT.png, --sheet OUT.pdf or --text"
	msgPresentSameFile     = "--qr and --sheet name the same file"
	msgPresentUsageHint    = "for example: skillpass-cli present --credential 3f1c --challenge 7KQ-2M4 --qr badge.png (ids: `skillpass-cli list`)"
	msgPresentExists       = "%s already exists: present never overwrites a file"
	msgPresentExistsHint   = "choose a new file name, or move the old file away first"
	msgPresentBadExpiry    = "--expires %q is neither a date-time (2026-12-31T18:00:00Z), a date (2026-12-31) nor a duration (15m, 2h, 30d)"
	msgPresentExpiryHint   = "on a screen the default 15 minutes is enough; for a printed CV give a date such as 2026-12-31"
	msgPresentWholeHint    = "leave out --disclose: the credential is then shown whole, every claim in it"
	msgPresentAnyone       = "anyone who scans it"
	msgPresentHead         = "Presenting to %s, valid until %s, signed by you as %s\n"
	msgPresentChallenge    = "  bound to the verifier's challenge %s\n"
	msgPresentCred         = "  %s  %q from %s, shown whole\n"
	msgPresentCredPart     = "  %s  %q from %s, only the claims below (derived BBS+ proof)\n"
	msgPresentClaimHint    = "name claims by path, such as --disclose achievement.name; the error lists the credential's claims, and `skillpass-cli show ID --json` shows it whole"
	msgPresentNeedIDsHint  = "leave that claim out (--disclose only the others), or leave out --disclose to show the credential whole"
	msgPresentClaims       = "      claims: %s\n"
	msgPresentFields       = "      with:   %s\n"
	msgPresentWrote        = "Wrote %s (QR version %d, %d characters)\n"
	msgPresentTooLarge     = "the presentation is too large for one scannable QR code (it needs version %s, at most %d): wrote %s instead"
	msgPresentTooLargeHint = "send %s as a file (e-mail, USB stick): the employer checks it with `skillpass-cli verify FILE`; or present fewer credentials"
	// The printable sheet (--sheet).
	msgPresentWroteSheet           = "Wrote %s (A4 sheet: QR version %d, %.2f mm per module, %.0f mm wide)\n"
	msgPresentWroteSheetNoCode     = "Wrote %s (A4 sheet without a code: it says the presentation is in %s)\n"
	msgPresentSheetExpiry          = "Note: the code stops verifying after the default 15 minutes; for a printed sheet give --expires with a date, such as --expires 2026-12-31\n"
	msgPresentSheetTooLarge        = "the presentation is too large even for a printed QR code (version %d at most): the sheet %s says so; wrote %s"
	msgPresentTooLargeSheetHint    = "print the sheet %s: its code is printed large enough to scan; or send %s as a file (e-mail, USB stick): the employer checks it with `skillpass-cli verify FILE`"
	msgPresentTooLargeAskSheetHint = "a printed code can be denser: add --sheet OUT.pdf for an A4 sheet that carries it; or send %s as a file (e-mail, USB stick): the employer checks it with `skillpass-cli verify FILE`; or present fewer credentials"
)

// Verifying QR codes.
const (
	msgQRNotOurs     = "%s: the QR code holds no Skillpass presentation"
	msgQRNotOursHint = "Skillpass reads QR codes made by `skillpass-cli present` (their text starts with SP1:)"
	msgImageNoCode   = "%s: the image is neither a baked badge nor a readable QR code"
	msgImageHint     = "give the PNG that `skillpass-cli present` wrote, or a baked Open Badge image; a photo must show the whole code, sharp"
)

// The wallet agent and its commands (agentcmd.go).
const (
	msgAgentStarted      = "Skillpass agent for %s: DIDComm on %s, control socket %s\nOther skillpass-cli commands on this wallet now go through it. Stop it with Ctrl-C.\n"
	msgAgentStopped      = "Agent stopped.\n"
	msgAgentWaiting      = "%d offers wait for your answer: skillpass-cli inbox\n"
	msgAgentOffer        = "offer %s from %s: %s (skillpass-cli accept %s, or decline)\n"
	msgAgentRequest      = "request %s: %s asks for %s; see it with `skillpass-cli request %s`\n"
	msgAgentPickedUp     = "picked up %d message(s) the mediator held while the agent was stopped\n"
	msgAgentPickupFailed = "could not pick up from the mediator: %v (try `skillpass-cli pickup` later)\n"
	msgAgentRunning      = "an agent already holds the wallet in %s (process %d)"
	msgAgentRunningHint  = "use it: list, show, passport and the DIDComm commands (connect, inbox, accept, decline, mediator, pickup, requests, request, share, decline-request) go through it; stop it with Ctrl-C in its terminal"
	msgPortTakenHint     = "another program listens there: give a free one with --listen 127.0.0.1:PORT (connections made earlier send to the old address, so keep it stable, or use --endpoint)"
	msgUnsafeDirHint     = "make the wallet folder private: chmod 700 %s"
	msgSocketHint        = "the wallet folder's agent.sock is not a Skillpass agent's socket, or the folder is not private; check the folder (chmod 700) and move the file away"
	msgNeedAgent         = "%s needs the wallet's agent, and none is running on %s"
	msgNeedAgentHint     = "start it in another terminal with `skillpass-cli agent` (same --wallet), and keep it running"
	msgConnectUsage      = "connect needs one invitation: a link, its JSON, a QR code PNG, or - for standard input"
	msgInvitationHint    = "give the issuer's invitation link (with ?oob= or ?c_i=), the invitation JSON, or a PNG of its QR code"
	msgAgentTimeoutHint  = "the other side did not answer in time: check that the issuer is running and reachable at its endpoint, then try again"
	msgNeedOfferID       = "%s needs one offer id"
	msgNoOfferHint       = "run `skillpass-cli inbox` to see the offers waiting and their ids; the first few characters are enough"
	msgNotPendingHint    = "run `skillpass-cli inbox` to see the offers still waiting for an answer"
	msgRejectedHint      = "nothing was stored and the issuer was told why; ask the issuer to offer it again"
	msgAgentVersionHint  = "run the agent and the command from the same Skillpass release"
	msgNoConnections     = "No connections yet. Connect to an issuer with `skillpass-cli connect INVITATION`.\n"
	msgInboxEmpty        = "No offers waiting.\n"
	msgInboxHint         = "Accept one with `skillpass-cli accept ID`, or decline it with `skillpass-cli decline ID [--reason TEXT]`.\n"
	msgAccepted          = "Stored %s  %q from %s (%s)\n"
	msgAcceptProblem     = "offer %s: %s: %s\n"
	msgDeclined          = "Declined %s; the issuer was told.\n"
)

// Skills frameworks (frameworkcmd.go).
const (
	msgFrameworkUsage       = "framework needs a subcommand: import FILE.xlsx [NAME], list or roles"
	msgFrameworkUsageHint   = "for example: skillpass-cli framework import SFw.xlsx, then skillpass-cli framework roles --sector infocomm"
	msgFrameworkUnknown     = "unknown framework subcommand %q"
	msgFrameworkImportUsage = "framework import needs one workbook file and, optionally, a name: framework import FILE.xlsx [NAME]"
	msgFrameworkNameHint    = "give a short name of at most 100 characters after the file: framework import FILE.xlsx \"SFw 2025\""
	msgFrameworkImported    = "Imported skills framework %q from %s: %d job roles in %d sectors, %d skills\n"
	msgFrameworkReplaced    = "  it replaces the framework of that name imported before\n"
	msgFrameworkNext        = "See its job roles with `skillpass-cli framework roles %q`; check yours with `skillpass-cli passport --role CODE`.\n"
	msgFrameworkNone        = "No skills framework imported yet. Import the SkillsFuture workbook with `skillpass-cli framework import FILE.xlsx`.\n"
	msgFrameworkListHeader  = "NAME\tROLES\tSKILLS\tSECTORS\tIMPORTED\tSOURCE"
	msgFrameworkRolesHeader = "CODE\tJOB ROLE\tSECTOR\tTRACK\tSKILLS"
	msgFrameworkNoSector    = "No job role in a sector whose name contains %q. The sectors: %s\n"
	msgFrameworkListHint    = "run `skillpass-cli framework list` to see the names"
	msgWorkbookHint         = "give the Skills Framework workbook (.xlsx) as downloaded from SkillsFuture; save an .xls or password-protected file as .xlsx without a password"
	msgWorkbookSheetHint    = "the job roles and their skills are on the sheet Job Role_TCS_CCS of the SkillsFuture Skills Framework workbook: give that workbook"
	msgWorkbookColumnsHint  = "the sheet's header row must name Sector, Track, Job Role, TSC_CCS Title, TSC_CCS Code, TSC_CCS Type and Proficiency Level (in any order)"
	msgWorkbookLevelHint    = "fix that cell and import again: a TSC's level is 1 to 6, a CCS's Basic, Intermediate or Advanced (or leave it empty)"
	msgWorkbookLargeHint    = "the file is larger than any Skills Framework workbook; check that it is the right file"
	msgRoleNoFrameworkHint  = "--role takes a role-profile JSON file (there is no file %s) or a job role's code from an imported framework: import one with `skillpass-cli framework import FILE.xlsx`"
	msgRoleNotFoundHint     = "`skillpass-cli framework roles` lists the job roles and their codes; --role also takes a role-profile JSON file (there is no file %s)"
	msgRoleAmbiguousHint    = "give the role's code, from the list above"
)

// Passport export (exportcmd.go).
const (
	msgExportNeedOut     = "passport export needs --file OUT (a passport file an advisor can verify) or --pdf OUT (a printable summary), or both"
	msgExportUsageHint   = "for example: skillpass-cli passport export --file passport.json --audience \"J. Tan, careers office\" --expires 90d, or passport export --pdf passport.pdf [--role FILE|CODE] [--name \"Your Name\"]"
	msgExportSameOut     = "--file and --pdf name the same file"
	msgExportFileOnly    = "--credential, --expires and --audience shape the passport file: give --file OUT too"
	msgExportNoDisclose  = "a passport file holds whole credentials: --disclose is for present"
	msgExportExists      = "%s already exists: passport export never overwrites a file"
	msgExportNothingHint = "import a verified credential first, or name the credentials with --credential ID"
	msgExportWroteFile   = "Wrote the passport file %s: %d credentials, signed by you, valid until %s.\nAnyone you give it to can check it with `skillpass-cli verify` or `skillpass-cli advisor open`.\n"
	msgExportWrotePDF    = "Wrote the one-page summary %s: %d skills from %d credentials. It is a printout, not a proof: share the passport file (--file) for that.\n"
)

// Advisor mode (advisorcmd.go).
const (
	msgAdvisorUsage       = "advisor needs a subcommand: open FILE..., note --holder DID TEXT, or notes [--holder DID]"
	msgAdvisorUsageHint   = "for example: skillpass-cli advisor open ana.json --role analyst.json; skillpass-cli advisor note --holder did:key:z6Mk... \"Follow up in May\""
	msgAdvisorUnknown     = "unknown advisor subcommand %q"
	msgAdvisorRoleCode    = "--role %s: there is no such file, and a job role code needs your wallet (with the framework imported)"
	msgAdvisorSomeUnread  = "some files could not be read or are not passport files"
	msgAdvisorNotFileHint = "advisor open takes a passport file a learner made with `skillpass-cli passport export --file` (or a Skillpass QR code); check a single credential with `skillpass-cli verify`"
	msgAdvisorVerified    = "%s: VERIFIED: the learner's signature and every credential hold\n"
	msgAdvisorPartly      = "%s: NOT VERIFIED as a whole: the learner's signature holds; %d of %d credentials count (see below)\n"
	msgAdvisorNotVerified = "%s: NOT VERIFIED: the learner's signature does not hold (the file was changed, has expired, or was not signed by its holder); none of its credentials count\n"
	msgAdvisorNoteUsage   = "advisor note needs --holder DID and the note's text"
	msgAdvisorNoteHint    = "for example: skillpass-cli advisor note --holder did:key:z6Mk... \"Strong on data; suggest the analytics pathway\"; the holder's DID is printed by advisor open"
	msgAdvisorNoted       = "Noted on %s at %s (kept in your wallet only).\n"
	msgAdvisorNoNotes     = "No notes yet. Add one with `skillpass-cli advisor note --holder DID TEXT`.\n"
	msgAdvisorNoSkills    = "No skills counted from this file.\n"
)

// Wording of linkedin.
const (
	msgLinkedInNeedID     = "linkedin needs a credential id"
	msgLinkedInUnverified = "note: credential %s is not verified; LinkedIn links to it all the same, so check it with `skillpass-cli show` first"
	msgLinkedInOB2Written = "wrote an unsigned Open Badges 2.0 style export to %s"
	msgOB2ExportNote      = "Exported by Skillpass from the %s credential %s issued by %s. This export is not signed and proves nothing by itself: verify the original credential."
)

// Passport categories the learner chooses (categorycmd.go).
const (
	msgCategoryUsage      = "passport category needs a skill and a category: passport category SKILL CATEGORY, or passport category SKILL --clear"
	msgCategoryUsageHint  = "for example: skillpass-cli passport category Teamwork leadership; the categories: " + msgCategoryNames
	msgCategoryNames      = "foundational (or knowledge), functional (or technical), performance (or application), leadership (or behavioural)"
	msgCategoryUnknown    = "unknown category %q: give one of " + msgCategoryNames
	msgCategoryClearExtra = "passport category SKILL --clear takes no category"
	msgCategorySkillHint  = "give the skill's name as `skillpass-cli passport` shows it, or its key from `skillpass-cli passport --json`"
	msgCategoryAmbigHint  = "several skills have that name: give the key of the one you mean (from the list above)"
	msgCategoryNoOverHint = "`skillpass-cli passport categories` lists the skills you put under another category"
	msgCategorySet        = "Put %s under %s (it was under %s). Undo with: skillpass-cli passport category %q --clear\n"
	msgCategoryCleared    = "%s is back under %s, as its credentials give it.\n"
	msgCategoryClearedKey = "Cleared your category for %s (no credential in the wallet evidences it now).\n"
	msgCategoriesNone     = "You have not put any skill under another category. Do it with `skillpass-cli passport category SKILL CATEGORY`.\n"
	msgCategoriesHeader   = "SKILL\tYOUR CATEGORY\tFROM ITS CREDENTIALS\tKEY"
	msgCategoriesNotHeld  = "(not in the passport now)"
)

// Mediation and verifiers' presentation requests (mediatorcmd.go,
// requestcmd.go).
const (
	msgMediatorUsage         = "mediator takes at most one invitation: a link, its JSON, a QR code PNG, or - for standard input"
	msgMediatorUnnamed       = "(unnamed)"
	msgMediatorSet           = "Using mediator %s: connection %s, endpoint %s\nConnections made from now on receive through it; what issuers send while the agent is stopped waits there until the next start or `skillpass-cli pickup`.\n"
	msgMediatorShow          = "Mediator %s, since %s\n  connection %s\n  endpoint   %s\n"
	msgMediatorNone          = "No mediator is set up. Set one up with `skillpass-cli mediator INVITATION`.\n"
	msgNoMediatorHint        = "set one up with `skillpass-cli mediator INVITATION` (the mediator's invitation link, JSON or QR code)"
	msgMediatorRefusedHint   = "check that the mediator runs and accepts new clients, then try again; nothing was changed"
	msgPickedUp              = "%d messages arrived from the mediator.\n"
	msgPickedUpHint          = "See them with `skillpass-cli inbox` and `skillpass-cli requests`.\n"
	msgNeedRequestID         = "%s needs one request id"
	msgNoRequestHint         = "run `skillpass-cli requests` to see the requests waiting and their ids; the first few characters are enough"
	msgRequestAnsweredHint   = "run `skillpass-cli requests --all` to see how each request was answered"
	msgCannotAnswerHint      = "nothing was sent; `skillpass-cli request ID` shows what is asked and which credentials match: pick another with --use DESCRIPTOR=CREDENTIAL, or refuse with `skillpass-cli decline-request ID`"
	msgShareUsageHint        = "for example: skillpass-cli share 3f1c --use badge=9a2e (ids: `skillpass-cli requests`, `skillpass-cli request ID`)"
	msgShareUseForm          = "--use %q: give DESCRIPTOR=CREDENTIAL, such as --use badge=9a2e"
	msgShareUseTwice         = "--use names descriptor %q twice with different credentials"
	msgRequestUnnamed        = "an unnamed verifier"
	msgRequestsEmpty         = "No presentation requests waiting.\n"
	msgRequestsNone          = "No presentation requests yet.\n"
	msgRequestsHint          = "See what one asks with `skillpass-cli request ID`; answer with `skillpass-cli share ID`, or refuse with `skillpass-cli decline-request ID [--reason TEXT]`.\n"
	msgRequestHead           = "Request %s from %s (%s, received %s)\n"
	msgRequestComment        = "  they write: %q\n"
	msgRequestPurpose        = "  %s: %s\n"
	msgRequestChallenge      = "  bound to the verifier's challenge %s\n"
	msgRequestDomain         = "  for the domain %s\n"
	msgRequestRule           = "  rule: %s\n"
	msgRequestProblem        = "  note: %s\n"
	msgRequestDescriptor     = "\n%s: %s\n"
	msgRequestWhy            = "  why: %s\n"
	msgRequestField          = "  asks for %s\n"
	msgRequestFilter         = "must match %s"
	msgRequestOptional       = "optional"
	msgRequestLimitRequired  = "  only the fields asked may be shown\n"
	msgRequestLimitPreferred = "  the verifier prefers to see only the fields asked\n"
	msgRequestLimitNone      = "  a credential may be shown whole\n"
	msgRequestDescProblem    = "  Skillpass cannot answer this part: %s\n"
	msgRequestNoMatch        = "  none of your credentials matches\n"
	msgRequestMatch          = "  your %s  %q from %s: %s\n"
	msgMatchCannot           = "cannot be used: %s"
	msgMatchSelective        = "only the fields asked would be shown (%s)"
	msgMatchWhole            = "would be shown whole"
	msgRequestNext           = "\nAnswer with `skillpass-cli share %s [--use DESCRIPTOR=CREDENTIAL]`, or refuse with `skillpass-cli decline-request %s [--reason TEXT]`.\n"
	msgShareHead             = "Sharing with %s, signed by you as %s:\n"
	msgShareFor              = "      answers: %s\n"
	msgShareLeftOut          = "  not answered (the verifier's rules do not need it): %s\n"
	msgShareProblem          = "request %s: %s: %s\n"
	msgShared                = "Shared presentation %s with %s.\n"
	msgDeclinedRequest       = "Declined request %s; the verifier was told.\n"
)
