#!/bin/sh
# A migration or health check that leaves a grandchild behind in a session of its own (out of
# reach of a group kill) and writes its pid to $1 (once), then ends well.
if [ ! -e "$1" ]; then
    setsid sleep 300 &
    echo $! >"$1.tmp" && mv "$1.tmp" "$1"
fi
exit 0
