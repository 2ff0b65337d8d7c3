#!/bin/sh
# A service that forks a grandchild and writes its pid to $2: in the service's process group
# ($1 = group), in a session of its own ($1 = session, out of reach of a group kill), or in a
# session of its own with its run marker cleared ($1 = escape: only a cgroup still holds it).
case "$1" in
group) sleep 300 & ;;
session) setsid sleep 300 & ;;
escape) setsid env -u STEWARD_RUN sleep 300 & ;;
esac
echo $! >"$2.tmp" && mv "$2.tmp" "$2"
echo "service ready"
wait
