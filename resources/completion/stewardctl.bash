# bash completion for stewardctl: commands, their options, and the secret ids of the running
# app (from `stewardctl secrets --json`, never values).
_stewardctl()
{
    local cur prev words cword
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="validate plan template lock keygen sign verify list status secrets audit logs restart shutdown help"
    local online="--app --app-data --port --token-file --json"

    case $prev in
        --app-data|--token-file|--key|--manifest)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
        --format)
            COMPREPLY=($(compgen -W "env json" -- "$cur"))
            return ;;
        --app)
            COMPREPLY=($(compgen -W "$(stewardctl list 2>/dev/null | cut -f1)" -- "$cur"))
            return ;;
    esac

    local command="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --app|--app-data|--port|--token-file|--key|--manifest|--format|--platform|-n|--lines|--to|--since|--secret)
                ((i++)) ;;
            -*) ;;
            *) command=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $command ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    case $command in
        validate) COMPREPLY=($(compgen -W "--json --strict" -- "$cur")) ;;
        plan) COMPREPLY=($(compgen -W "--json --platform" -- "$cur")) ;;
        template) COMPREPLY=($(compgen -W "--format --secret" -- "$cur")) ;;
        lock|verify|sign) COMPREPLY=($(compgen -W "--key --manifest" -- "$cur")) ;;
        secrets)
            if [[ $prev == set || $prev == clear || $prev == refresh || $prev == history || $prev == rollback ]]; then
                # Secret ids only: the JSON lists "id" fields, and values never appear in it.
                local ids
                ids=$(stewardctl secrets --json 2>/dev/null | sed -n 's/^ *"id": "\([^"]*\)".*/\1/p')
                COMPREPLY=($(compgen -W "$ids" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "set clear refresh history rollback --to --dry-run $online" -- "$cur"))
            fi ;;
        logs)
            COMPREPLY=($(compgen -W "-n -f $online" -- "$cur")) ;;
        audit)
            COMPREPLY=($(compgen -W "--since --secret --verify $online" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "$online" -- "$cur")) ;;
    esac
    [[ $cur != -* && ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _stewardctl stewardctl
