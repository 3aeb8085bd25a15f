#!/usr/bin/env bash
# Screenshots of every screen of the Skillpass desktop app, for review
# without a display: builds cmd/skillpass, cmd/skillpass-cli and
# cmd/skillpass-issuer, makes a demo wallet with a few Open Badges 3.0
# credentials (testdata/ob30), starts a demo issuer (testdata/catalog.json,
# offering to every learner that connects) on a free 127.0.0.1 port, starts
# the real app on a private Xvfb display connected to the issuer's
# invitation, unlocks it by typing the passphrase, switches screens with the
# app's own keyboard shortcuts (Ctrl+1..7) and writes one PNG per screen and
# language into the folder given as $1 (default: screenshots/).
#
# Needs: Go, Xvfb, xdotool, ImageMagick (import). Touches no wallet or
# setting of the user: everything lives in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

out="${1:-screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
passphrase="demo passphrase for screenshots"
size="1280x800"

for tool in Xvfb xdotool import; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is not installed" >&2; exit 2; }
done

tmp="$(mktemp -d)"
xvfb_pid=""
app_pid=""
issuer_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
	[ -n "$issuer_pid" ] && kill "$issuer_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "screenshots: building"
go build -o "$tmp/skillpass" ./cmd/skillpass
CGO_ENABLED=0 go build -o "$tmp/skillpass-cli" ./cmd/skillpass-cli
CGO_ENABLED=0 go build -o "$tmp/skillpass-issuer" ./cmd/skillpass-issuer

# A free display: no lock file and no socket.
display=""
for n in $(seq 99 199); do
	if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then
		display=":$n"
		break
	fi
done
[ -n "$display" ] || { echo "screenshots: no free X display between :99 and :199" >&2; exit 2; }
Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY="$display"
for _ in $(seq 50); do
	xdotool getmouselocation >/dev/null 2>&1 && break
	sleep 0.1
done
xdotool getmouselocation >/dev/null 2>&1 || { echo "screenshots: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 2; }

echo "screenshots: demo wallet"
wallet="$tmp/wallet"
export SKILLPASS_PASSPHRASE="$passphrase"
cli() { "$tmp/skillpass-cli" --wallet "$wallet" "$@"; }
cli init >/dev/null
# The expired badge shows how a credential that fails a check looks.
imported="$(cli import testdata/ob30/simple.json testdata/ob30/complete.json \
	testdata/ob30/simple-did-key-method.json testdata/ob30/simple-err-expired.json)" || true
badge="$(printf '%s\n' "$imported" | awk '$1 == "testdata/ob30/simple.json:" && $2 == "stored" { print $3 }')"
[ -n "$badge" ] || { echo "screenshots: the demo import failed:" >&2; printf '%s\n' "$imported" >&2; exit 1; }
# A presentation made beforehand: it fills the presentation log, and its
# code's text is what the verify screen is shown checking.
cli present --credential "$badge" --domain jobs.example.com --expires 30d --qr "$tmp/shared.png" --text >"$tmp/present.txt"
code="$(grep '^SP1:' "$tmp/present.txt" | tail -n1)"
[ -n "$code" ] || { echo "screenshots: no QR code text from present" >&2; cat "$tmp/present.txt" >&2; exit 1; }
unset SKILLPASS_PASSPHRASE

echo "screenshots: demo issuer"
mkdir -m 700 "$tmp/issuer"
SKILLPASS_ISSUER_PASSPHRASE="demo issuer passphrase" \
	"$tmp/skillpass-issuer" --dir "$tmp/issuer" serve --listen 127.0.0.1:0 \
	--catalog testdata/catalog.json --auto-offer >"$tmp/issuer.out" 2>"$tmp/issuer.log" &
issuer_pid=$!
invitation=""
for _ in $(seq 300); do
	invitation="$(head -n1 "$tmp/issuer.out" 2>/dev/null || true)"
	[ -n "$invitation" ] && break
	kill -0 "$issuer_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$invitation" ] || { echo "screenshots: the demo issuer did not start" >&2; cat "$tmp/issuer.log" >&2; exit 1; }

# settle: wait until the screen stops changing (four captures, half a
# second apart, all equal), at most $1 seconds; progress bars keep it
# changing while work is under way.
settle() {
	local limit="${1:-20}" a="$tmp/settle-a.png" b="$tmp/settle-b.png" same=0
	sleep 0.5
	import -window root "$a"
	for _ in $(seq $((limit * 2))); do
		sleep 0.5
		import -window root "$b"
		if compare -metric AE "$a" "$b" null: 2>/dev/null; then
			same=$((same + 1))
			[ "$same" -ge 3 ] && return 0
		else
			same=0
		fi
		mv "$b" "$a"
	done
	echo "screenshots: the screen did not settle within ${limit}s" >&2
}

# shoot NAME [LIMIT]: capture the whole display once it has settled
# (LIMIT 0: after a second; for a screen with a blinking text cursor).
shoot() {
	if [ "${2:-20}" = 0 ]; then
		sleep 1
	else
		settle "${2:-20}"
	fi
	import -window root "$out/$1.png"
	echo "  $out/$1.png"
}

# run LANG: one pass over every screen with the app in language LANG.
run() {
	local lang="$1"
	# A fresh HOME per run: Fyne's preferences (window size, theme,
	# language) start from their defaults, the user's are never read.
	local home="$tmp/home-$lang"
	mkdir -p "$home"
	# The app connects to the demo issuer once unlocked: its offer shows
	# in the inbox.
	HOME="$home" XDG_CONFIG_HOME="$home/.config" LANGUAGE="$lang" LC_ALL="$lang" \
		SKILLPASS_DEMO_INVITATION="$invitation" \
		"$tmp/skillpass" "$wallet" >"$tmp/app-$lang.log" 2>&1 &
	app_pid=$!
	local win=""
	for _ in $(seq 100); do
		win="$(xdotool search --onlyvisible --name '^Skillpass$' 2>/dev/null | head -n1 || true)"
		[ -n "$win" ] && break
		kill -0 "$app_pid" 2>/dev/null || break
		sleep 0.2
	done
	if [ -z "$win" ]; then
		echo "screenshots: the app's window did not appear" >&2
		cat "$tmp/app-$lang.log" >&2
		exit 1
	fi
	# No window manager runs on the display: place and focus by hand.
	xdotool windowmove "$win" 0 0 windowsize "$win" 1280 800
	xdotool windowfocus --sync "$win"
	shoot "$lang-01-unlock" 0
	# The passphrase field has the focus; Enter unlocks (the key
	# derivation takes a few seconds).
	xdotool type --delay 15 "$passphrase"
	xdotool key Return
	shoot "$lang-02-passport" 60
	xdotool key ctrl+2
	shoot "$lang-03-credentials"
	xdotool key ctrl+3
	shoot "$lang-04-inbox" 30
	xdotool key ctrl+4
	shoot "$lang-05-share"
	# Tab to the credential list, tick the first one with Space, Shift+Tab
	# round to the review button, Space: the consent screen (focus on
	# "Share").
	xdotool key Tab space shift+Tab space
	shoot "$lang-06-share-consent"
	xdotool key space
	shoot "$lang-07-share-qr"
	xdotool key ctrl+5
	# Tab to the paste box, paste the code's text, Tab twice to "Verify".
	xdotool key Tab Tab
	xdotool type --delay 1 "$code"
	xdotool key Tab Tab space
	shoot "$lang-08-verify" 60
	xdotool key ctrl+6
	shoot "$lang-09-advisor"
	xdotool key ctrl+7
	shoot "$lang-10-settings"
	# Back on the passport home, the first skill's "Change category…"
	# button (right end of its line) opens the category dialog; Tab to
	# its Cancel and Space close it again.
	xdotool key ctrl+1
	settle 10
	xdotool mousemove 1200 247 click 1
	shoot "$lang-12-category"
	xdotool key Tab space
	settle 10
	xdotool key ctrl+l
	shoot "$lang-11-locked" 0
	kill "$app_pid" 2>/dev/null || true
	wait "$app_pid" 2>/dev/null || true
	app_pid=""
}

echo "screenshots: writing into $out"
run en
run de
