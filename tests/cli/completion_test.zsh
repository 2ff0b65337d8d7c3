#!/usr/bin/env zsh
# The zsh completion of stewardctl: commands, options, secret ids and services (from a fake
# stewardctl that answers `secrets --json` and `status --json` as the real one does), completed
# by zsh itself: an interactive zsh in a pseudo-terminal, TAB pressed after each line.
# Usage: completion_test.zsh DIR_OF__stewardctl
emulate -L zsh
setopt err_exit no_unset
zmodload zsh/zpty

completion_dir=${1:A}
fake=$(mktemp -d)
trap 'zpty -d z 2>/dev/null; rm -rf $fake' EXIT
cat >$fake/stewardctl <<'FAKE'
#!/bin/sh
# Records how it was asked, so that the test sees the line's --app-data passed on.
echo "$*" >>"$(dirname "$0")/calls"
case "$*" in
    *"secrets --json") printf '{\n  "secrets": [\n    {\n      "id": "api_token",\n      "status": "missing"\n    },\n    {\n      "id": "db_password",\n      "status": "set"\n    }\n  ]\n}\n' ;;
    *"status --json") printf '{\n  "services": [\n    {\n      "id": "api",\n      "state": "running"\n    },\n    {\n      "id": "web",\n      "state": "running"\n    }\n  ]\n}\n' ;;
    list) printf 'hello-steward\t123\t/data\n' ;;
esac
FAKE
chmod +x $fake/stewardctl

# An interactive zsh that prints each match on a line of its own between two NUL lines, and then
# exits (as Valodim's zsh-capture-completion does): one per completed line. The first one's
# compinit writes the dump of the functions it found, which the others read.
start_shell() {
    zpty z env -i PATH=$fake:$PATH HOME=$fake TERM=dumb zsh -f -i
    zpty -w z "fpath=(${(q)completion_dir} \$fpath); autoload -Uz compinit; compinit -u -d $fake/zcompdump"
    zpty -w z 'bindkey "^I" complete-word; null-line() { echo -E - $'"'"'\0'"'"' }'
    zpty -w z 'compprefuncs=(null-line); comppostfuncs=(null-line exit)'
    zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
    zpty -w z 'compadd() {
        if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return; fi
        local -a __hits; builtin compadd -A __hits "$@"
        local m; for m in $__hits; do echo -E - "$m"; done
    }'
}

complete_line() { # the completions of LINE, sorted, in $reply
    local line out=
    zpty -w -n z "$1"$'\t'
    # Until the first NUL line, whatever the shell echoes; then the matches, until the second.
    while zpty -r z line; do [[ $line == *$'\0'* ]] && break; done
    while zpty -r z line; do
        [[ $line == *$'\0'* ]] && break
        out+=${${line%$'\n'}%$'\r'}$'\n'
    done
    reply=(${(@on)${(f)out}})
    # exit in comppostfuncs ended this shell: a new one for the next line.
    zpty -d z
    start_shell
}

start_shell
failures=0
expect() { # LINE EXPECTED...: the completions of LINE are exactly EXPECTED
    local line=$1
    shift
    complete_line $line
    local got=${(j: :)reply} want=${(j: :)${(@on)@}}
    if [[ $got != $want ]]; then
        print -r -- "'$line<TAB>': expected '$want', got ${(q+)got}" >&2
        ((failures++)) || true
    fi
}
expect 'stewardctl s' secrets shutdown sign status
expect 'stewardctl l' list lock logs
expect 'stewardctl a' audit
expect 'stewardctl secrets set a' api_token
expect 'stewardctl --app-data /x secrets clear ' api_token db_password
expect 'stewardctl secrets rollback d' db_password
expect 'stewardctl secrets h' history
expect 'stewardctl validate --s' --strict
expect 'stewardctl template --format ' env json
expect 'stewardctl audit --s' --secret --since
expect 'stewardctl logs ' api web
expect 'stewardctl restart w' web
expect 'stewardctl --app h' hello-steward
# The ids came from the app the line names.
grep -q -- '--app-data /x secrets --json' $fake/calls || {
    print -r -- "the secret ids were not asked of --app-data /x: $(<$fake/calls)" >&2
    ((failures++)) || true
}
((failures == 0)) || exit 1
echo "stewardctl zsh completion: ok"
