package cli

// All wording the command line shows lives here, so it reads as one voice and
// can be reviewed (and one day translated) in one place.

const usageText = `skillpass-cli: your learner wallet and skills passport, on the command line.

Usage:
  skillpass-cli [--wallet DIR] COMMAND [flags] [args]

Wallet commands (the passphrase comes from SKILLPASS_PASSPHRASE, else a prompt):
  init                          create a new wallet
  import FILE...                verify credentials and keep those that pass
                                (JSON, presentation, VC-JWT, baked PNG or SVG badge)
  list [--json]                 list the credentials in the wallet
  show ID [--json]              verify one credential again and show its checks
  identities [--json]           list the wallet's own DIDs
  passport [--json] [--role FILE]
                                your skills by category, level and freshness;
                                pathways, expiring credentials, gaps against a role
  backup OUT                    write the whole wallet, encrypted, to the new file OUT
  restore IN                    add what a backup holds to the wallet (made first if
                                there is none); nothing is stored twice
  activity [--json]             the activity log (--json: JSON Lines, hash-chained)
  present --credential ID [--credential ID2] [--challenge C] [--domain D]
          [--expires T] --qr OUT.png [--text]
                                show credentials to an employer as one QR code, signed
                                by you; T is RFC 3339, a date, or a duration (15m, 30d;
                                default 15m); --text prints the code's text too

Backups have a passphrase of their own: SKILLPASS_BACKUP_PASSPHRASE, else a prompt.

Anyone (an employer needs no wallet):
  verify [--json] [--offline] [--offline-dir DIR] [--challenge C] [--domain D] FILE...|-
                                verify credentials or presentations: JSON, VC-JWT,
                                a baked badge, a QR code image (PNG) or its SP1 text;
                                --challenge/--domain: what the presentation must be bound to

Flags:
  --wallet DIR     the wallet folder (default: %s)
  --offline        never use the network (did:web and status lists become unknown)
  --offline-dir D  answer https://host/path from D/host/path instead of the network

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
	msgBusyHint        = "another Skillpass (the app or `skillpass-cli agent`) has this wallet open; close it or wait"
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
	msgPassportEmpty   = "No skills yet: import credentials with `skillpass-cli import FILE`.\n"
	msgRoleHint        = "a role profile is a JSON file; see the passport package documentation for its format"
	msgOfflineBoth     = "--offline and --offline-dir together: --offline-dir already keeps verification off the network"
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
	msgPresentNeedOut      = "present needs --qr OUT.png (or --text)"
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
	msgPresentClaims       = "      claims: %s\n"
	msgPresentFields       = "      with:   %s\n"
	msgPresentWrote        = "Wrote %s (QR version %d, %d characters)\n"
	msgPresentTooLarge     = "the presentation is too large for one scannable QR code (it needs version %s, at most %d): wrote %s instead"
	msgPresentTooLargeHint = "send %s as a file (e-mail, USB stick): the employer checks it with `skillpass-cli verify FILE`; or present fewer credentials"
)

// Verifying QR codes.
const (
	msgQRNotOurs     = "%s: the QR code holds no Skillpass presentation"
	msgQRNotOursHint = "Skillpass reads QR codes made by `skillpass-cli present` (their text starts with SP1:)"
	msgImageNoCode   = "%s: the image is neither a baked badge nor a readable QR code"
	msgImageHint     = "give the PNG that `skillpass-cli present` wrote, or a baked Open Badge image; a photo must show the whole code, sharp"
)
