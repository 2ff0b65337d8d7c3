#!/bin/sh
# A service that forks a grandchild and writes its pid to $2: in the service's process group
# ($1 = group) or in a session of its own ($1 = session, out of reach of a group kill).
case "$1" in
group) sleep 300 & ;;
session) setsid sleep 300 & ;;
esac
echo $! >"$2.tmp" && mv "$2.tmp" "$2"
echo "service ready"
wait
