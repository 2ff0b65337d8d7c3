#!/usr/bin/env bash
# The bash completion of stewardctl: commands, options and secret ids (from a fake stewardctl
# that answers `secrets --json` as the real one does).
set -euo pipefail
source "$1"
fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
cat > "$fake/stewardctl" <<'FAKE'
#!/bin/sh
[ "$1 $2" = "secrets --json" ] && printf '{\n  "secrets": [\n    {\n      "id": "api_token",\n      "status": "missing"\n    },\n    {\n      "id": "db_password",\n      "status": "set"\n    }\n  ]\n}\n'
FAKE
chmod +x "$fake/stewardctl"
PATH=$fake:$PATH

complete_line() { # the words of a command line; prints the completions
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _stewardctl
    echo "${COMPREPLY[*]}"
}
expect() { # expected actual
    if [[ $1 != "$2" ]]; then
        echo "expected '$1', got '$2'" >&2
        exit 1
    fi
}
expect "sign status secrets shutdown" "$(complete_line stewardctl s)"
expect "lock list logs" "$(complete_line stewardctl l)"
expect "api_token" "$(complete_line stewardctl secrets set a)"
expect "api_token db_password" "$(complete_line stewardctl --app-data /x secrets clear '')"
expect "--strict" "$(complete_line stewardctl validate --s)"
expect "env json" "$(complete_line stewardctl template --format '')"
expect "audit" "$(complete_line stewardctl a)"
expect "api_token" "$(complete_line stewardctl secrets rollback a)"
expect "--since --secret" "$(complete_line stewardctl audit --s)"
echo "stewardctl completion: ok"
