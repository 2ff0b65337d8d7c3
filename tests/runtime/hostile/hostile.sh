#!/bin/sh
# A hostile service (issue 21): tries to take what belongs to its sibling "victim" and to
# Steward, and to write outside its own folders, then writes one "attempt: got|refused" line
# each to $1. "own data" is the control: what every service may do.
out=$1
victim=$(cat "$APP_DATA_DIR/victim.pid")
readable() { head -c 1 "$1" >/dev/null 2>&1; }
verdict() { if "$@"; then echo got; else echo refused; fi; }
{
    echo "own data: $(verdict sh -c 'echo x >"$APP_DATA_DIR/hostile-own.txt"')"
    echo "admin token: $(verdict readable "$APP_DATA_DIR/runtime/auth-token")"
    echo "sibling environ: $(verdict sh -c "tr '\\000' '\\n' </proc/$victim/environ | grep -q '^VICTIM_KEY='")"
    echo "steward environ: $(verdict readable "/proc/$PPID/environ")"
    # Opening mem is where the kernel checks ptrace access.
    echo "steward mem: $(verdict sh -c "exec 3</proc/$PPID/mem")"
    echo "sibling file secret: $(verdict readable "$APP_DATA_DIR/runtime/secrets/victim/victim.key")"
    echo "state.json: $(verdict readable "$APP_DATA_DIR/state.json")"
    echo "write in home: $(verdict sh -c 'echo x >"$HOME/planted-by-hostile"')"
    echo "signal steward: $(verdict kill -0 "$PPID")"
    echo "session bus address: $(verdict test -n "$DBUS_SESSION_BUS_ADDRESS")"
} >"$out.tmp" 2>/dev/null
mv "$out.tmp" "$out"
echo "hostile done"
exec sleep 300
