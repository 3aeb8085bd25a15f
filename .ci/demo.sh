#!/usr/bin/env bash
# make demo: a newcomer sees credentials arrive. Builds skillpass-issuer and
# the desktop app, starts the issuer with the sample catalogue
# (testdata/catalog.json) on a free 127.0.0.1 port, offering its first
# achievement to every learner that connects, and starts the app on a demo
# wallet that connects to the issuer's invitation once unlocked: the offer
# shows in the Inbox tab, ready to accept. The issuer stops when the app
# exits.
#
# Everything lives in a temporary folder, except the demo wallet when
# SKILLPASS_DEMO_DIR names a folder to keep it in (it is then reused on the
# next run), and SKILLPASS_DEMO_PASSPHRASE its passphrase. Touches no
# wallet or setting of the user's.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

passphrase="${SKILLPASS_DEMO_PASSPHRASE:-skillpass demo passphrase}"
tmp="$(mktemp -d)"
issuer_pid=""
cleanup() {
	if [ -n "$issuer_pid" ]; then
		kill "$issuer_pid" 2>/dev/null || true
		wait "$issuer_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "demo: building"
CGO_ENABLED=0 go build -o "$tmp/skillpass-issuer" ./cmd/skillpass-issuer
CGO_ENABLED=0 go build -o "$tmp/skillpass-cli" ./cmd/skillpass-cli
go build -o "$tmp/skillpass" ./cmd/skillpass

# The issuer: its own wallet in the temporary folder; port 0 lets the
# system choose a free port, and the invitation names the one chosen.
mkdir -m 700 "$tmp/issuer"
SKILLPASS_ISSUER_PASSPHRASE="demo issuer passphrase" \
	"$tmp/skillpass-issuer" --dir "$tmp/issuer" serve --listen 127.0.0.1:0 \
	--catalog testdata/catalog.json --auto-offer >"$tmp/issuer.out" 2>"$tmp/issuer.log" &
issuer_pid=$!
invitation=""
for _ in $(seq 300); do
	invitation="$(head -n1 "$tmp/issuer.out" 2>/dev/null || true)"
	[ -n "$invitation" ] && break
	if ! kill -0 "$issuer_pid" 2>/dev/null; then
		echo "demo: the issuer did not start:" >&2
		cat "$tmp/issuer.log" >&2
		exit 1
	fi
	sleep 0.1
done
[ -n "$invitation" ] || { echo "demo: the issuer printed no invitation" >&2; cat "$tmp/issuer.log" >&2; exit 1; }
echo "demo: issuer running ($(grep -o 'listening on [^ ]*' "$tmp/issuer.log" || echo 'see its log'))"

# The learner's demo wallet: created on the first run, reused after.
wallet="${SKILLPASS_DEMO_DIR:-$tmp/wallet}"
if [ ! -e "$wallet/wallet.db" ]; then
	echo "demo: creating the demo wallet in $wallet"
	mkdir -p "$(dirname "$wallet")"
	SKILLPASS_PASSPHRASE="$passphrase" "$tmp/skillpass-cli" --wallet "$wallet" init >/dev/null
else
	echo "demo: reusing the demo wallet in $wallet"
fi

cat <<MSG

  Skillpass demo
  --------------
  Wallet:     $wallet
  Passphrase: $passphrase

  Type the passphrase to unlock. The app connects to the demo issuer
  ("Northbridge Data Academy (example)"); its offer appears in the Inbox
  tab (Ctrl+3): press Accept, and the badge shows in Credentials and in
  your passport. Close the window to end the demo (the issuer stops too).

MSG
# The app's preferences (window size, theme) go to the temporary folder too.
XDG_CONFIG_HOME="$tmp/config" SKILLPASS_DEMO_INVITATION="$invitation" "$tmp/skillpass" "$wallet"
