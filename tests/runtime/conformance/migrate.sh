#!/bin/sh
# A conformance-test migration: appends the directory it ran in to
# $APP_DATA_DIR/migrated-<first arg>.log, one line per run.
echo "$(pwd -P)" >> "$APP_DATA_DIR/migrated-$1.log"
