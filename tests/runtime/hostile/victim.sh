#!/bin/sh
# The hostile service's sibling: holds a secret in its environment (VICTIM_KEY) and one in a
# file, and says where it is ($APP_DATA_DIR/victim.pid; exec keeps the pid).
echo $$ >"$APP_DATA_DIR/victim.pid"
echo "victim ready"
exec sleep 300
