#!/bin/sh
# A conformance-test service: writes what it saw (working directory, argv, environment, secret
# files) to $APP_DATA_DIR/report-<first arg>.txt, says "report written", then waits to be stopped.
name=$1
out="$APP_DATA_DIR/report-$name.txt"
{
    echo "cwd=$(pwd -P)"
    i=0
    for a in "$@"; do
        echo "arg$i=$a"
        if [ -f "$a" ]; then echo "arg$i is a file"; fi
        i=$((i + 1))
    done
    env | LC_ALL=C sort | sed 's/^/env /'
    env | sed -n 's/^\(SECRET_FILE_[^=]*\)=.*/\1/p' | while read -r v; do
        eval "f=\$$v"
        if [ -f "$f" ]; then echo "$v is a file of $(wc -c < "$f" | tr -d ' ') bytes"; fi
    done
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "report written"
exec sleep 3600
