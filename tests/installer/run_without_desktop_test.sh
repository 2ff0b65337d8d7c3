#!/usr/bin/env bash
# scripts/run's start on a server reached over SSH: no display, no session bus. Through
# scripts/with-keyring, Steward runs headless on the example bundle with a private gnome-keyring,
# says so in one line, serves, and a second run finds the secrets the first one stored.
# Usage: run_without_desktop_test.sh SOURCE_DIR STEWARD STEWARDCTL BUNDLE_DIR
set -euo pipefail
source_dir=$1 steward=$2 stewardctl=$3 bundle=$4

tmp=$(mktemp -d)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home" "$tmp/runtime"
chmod 700 "$tmp/runtime"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL XDG_DATA_HOME
export HOME=$tmp/home XDG_RUNTIME_DIR=$tmp/runtime
app_data=$HOME/.local/share/steward/hello-steward
private=$HOME/.local/share/steward/.hello-steward.steward

fail() {
    echo "FAIL: $*" >&2
    echo "--- steward's output:" >&2
    cat "$tmp/out" >&2 || true
    exit 1
}
ctl() { "$stewardctl" --app-data "$app_data" "$@"; }
# until TIMEOUT_S COMMAND...: retries COMMAND every 0.2 s.
until_ok() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}
status_has() { ctl status | grep -q -- "$1"; }
ready() { ctl status --json | grep -q '"status": "ready"'; }
# The web service's /healthz (its port from stewardctl status) answers 200.
web_answers() {
    local port
    port=$(ctl status | sed -n 's/^  web .* http:\([0-9]*\).*/\1/p')
    [ -n "$port" ] || return 1
    (
        exec 5<>"/dev/tcp/127.0.0.1/$port"
        printf 'GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&5
        head -n1 <&5 | grep -q ' 200 '
    )
}
start() {
    "$source_dir/scripts/with-keyring" "$steward" --headless \
        --manifest "$bundle/bundle.json" </dev/null >"$tmp/out" 2>&1 &
    pid=$!
}
stop() {
    ctl shutdown >/dev/null || fail "stewardctl shutdown"
    local rc=0
    wait "$pid" || rc=$?
    pid=
    [ $rc -eq 0 ] || fail "steward exited $rc"
}

# First run: the prompted token is missing until stewardctl sets it.
start
until_ok 60 status_has "Missing secrets: api_token" || fail "no 'Missing secrets' in status"
notes=$(grep -c "No Secret Service" "$tmp/out" || true)
[ "$notes" -eq 1 ] || fail "expected one 'No Secret Service' line, got $notes"
grep -q "private gnome-keyring in $private/keyring" "$tmp/out" || fail "the line names no keyring"
printf 'wx_0123456789abcdefghij\n' | ctl secrets set api_token >/dev/null \
    || fail "stewardctl secrets set"
until_ok 60 ready || fail "not ready after the token was set"
until_ok 10 web_answers || fail "web's /healthz does not answer"
grep -q "first run" "$tmp/out" || fail "the first run does not say so"
stop

# The keyring and its password are Steward's private dir's, not the services' app data dir's.
[ "$(stat -c %a "$private/keyring/password")" = 600 ] || fail "password file not 0600"
[ "$(stat -c %a "$private/keyring")" = 700 ] || fail "keyring dir not 0700"
ls "$private/keyring/keyrings/"*.keyring >/dev/null || fail "no keyring file"
[ ! -e "$app_data/keyring" ] || fail "keyring inside the app data dir"

# Second run: every secret is found, the token included; nothing is asked.
start
until_ok 60 ready || fail "the second run is not ready on its own"
until_ok 10 web_answers || fail "web's /healthz does not answer in the second run"
! grep -q "first run" "$tmp/out" || fail "the second run took itself for a first run"
stop
echo "run without a desktop: ok"
