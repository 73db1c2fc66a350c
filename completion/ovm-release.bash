# bash completion for ovm-release                          -*- shell-script -*-
# Installed as share/bash-completion/completions/ovm-release.  Needs nothing
# but bash: no python, no bash-completion helpers (used when present).
#
# Commands and options follow src/cli/main.c's command table; track names come
# from `ovm-release config`, with the --repo and --config already typed.

_ovm_release_commands="config plan run hook install-hook check-image resolve help version"
_ovm_release_global="--repo --config --track --help --version --plan"

# _ovm_release_opts COMMAND: the options COMMAND takes (besides the global).
_ovm_release_opts()
{
	local ev="--event --before --after --branch"

	case $1 in
	config | version) echo "--json" ;;
	plan) echo "--json $ev --remote --online" ;;
	run) echo "--json $ev --remote --no-fetch --no-push --annotate" ;;
	install-hook) echo "--uninstall --force" ;;
	check-image) echo "--json $ev" ;;
	resolve) echo "--json --remote --latest --github" ;;
	*) echo "" ;;
	esac
}

# _ovm_release_tracks BIN [--repo D] [--config F]: one track name a line, read
# from the "name" keys of the tracks array (identity's name comes before it).
_ovm_release_tracks()
{
	local bin=$1
	shift
	"$bin" "$@" config 2>/dev/null |
		sed -n '/"tracks":/,$p' |
		grep '"name"' |
		sed -n 's/^[[:space:]]*"name":[[:space:]]*"\([a-z][a-z0-9-]*\)".*/\1/p'
}

_ovm_release()
{
	local cur prev bin cmd="" i w nargs=0
	local -a ctx=()

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=""
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	bin=${COMP_WORDS[0]}
	case $bin in
	*/*) [[ -x $bin ]] || bin=ovm-release ;;
	*) bin=ovm-release ;;
	esac

	# The command is the first word that is neither an option nor an
	# option's value; --repo and --config are kept for the track names.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--repo | --config)
			ctx+=("$w" "${COMP_WORDS[i + 1]}")
			i=$((i + 1))
			;;
		--track | --event | --before | --after | --branch | --remote | --github)
			i=$((i + 1))
			;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
			else
				nargs=$((nargs + 1))
			fi
			;;
		esac
	done

	case $prev in
	--repo)
		COMPREPLY=($(compgen -d -- "$cur"))
		type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
		return 0
		;;
	--config)
		COMPREPLY=($(compgen -f -- "$cur"))
		type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
		return 0
		;;
	--track)
		COMPREPLY=($(compgen -W "$(_ovm_release_tracks "$bin" "${ctx[@]}")" -- "$cur"))
		return 0
		;;
	--event)
		COMPREPLY=($(compgen -W "push workflow_dispatch local" -- "$cur"))
		return 0
		;;
	--branch)
		COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' refs/heads 2>/dev/null)" -- "$cur"))
		return 0
		;;
	--remote)
		COMPREPLY=($(compgen -W "$(git remote 2>/dev/null)" -- "$cur"))
		return 0
		;;
	--before | --after)
		COMPREPLY=($(compgen -W "HEAD $(git for-each-ref --format='%(refname:short)' refs/heads refs/remotes 2>/dev/null)" -- "$cur"))
		return 0
		;;
	--github)
		return 0
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$_ovm_release_global" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$_ovm_release_commands" -- "$cur"))
		fi
		return 0
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_ovm_release_opts "$cmd") $_ovm_release_global" -- "$cur"))
		return 0
	fi
	case $cmd in
	help)
		((nargs == 0)) && COMPREPLY=($(compgen -W "$_ovm_release_commands" -- "$cur"))
		;;
	hook)
		((nargs == 0)) && COMPREPLY=($(compgen -W "post-commit" -- "$cur"))
		;;
	resolve)
		((nargs == 0)) && COMPREPLY=($(compgen -W "$(_ovm_release_tracks "$bin" "${ctx[@]}")" -- "$cur"))
		;;
	esac
	return 0
}

complete -F _ovm_release ovm-release
