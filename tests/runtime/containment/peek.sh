#!/bin/sh
# A hostile service: tries to read its supervisor's (Steward's) environment and memory and
# writes what it got to $1, one "attempt: read|refused" line each. Its own environment is the
# control: the same read that must work.
try() {
    if (exec 3<"$2") 2>/dev/null && head -c 1 "$2" >/dev/null 2>&1; then
        echo "$1: read"
    else
        echo "$1: refused"
    fi
}
{
    try own_environ /proc/self/environ
    try steward_environ "/proc/$PPID/environ"
    # Opening mem is where the kernel checks ptrace access; reading needs an address.
    if (exec 3<"/proc/$PPID/mem") 2>/dev/null; then echo "steward_mem: read"; else echo "steward_mem: refused"; fi
} >"$1.tmp"
mv "$1.tmp" "$1"
echo "service ready"
exec sleep 300
