#!/usr/bin/env bash
# Check (default) or regenerate (--update) the expectations of the Nix
# language test corpus in evaluator/tests/lang against C++ Nix
# (nix-instantiate, the reference is Nix 2.8).
#
#   eval-okay-NAME.nix -> eval-okay-NAME.exp : exact stdout of
#       nix-instantiate --eval --strict eval-okay-NAME.nix   (run in tests/lang)
#   eval-fail-NAME.nix -> eval-fail-NAME.err : nix-instantiate must fail; the
#       file holds the first line of its stderr (lines starting with
#       "warning: " are skipped) with the absolute path of tests/lang/
#       removed, so positions read e.g. "at eval-fail-x.nix:1:3".
#   NAME.flags, if present, holds extra flags for both evaluators.
#
# Cases whose first line starts with "# beyond-oracle:" are not run: their
# expectation is written by hand (current Nix deliberately differs from 2.8).
# Only their expectation file's existence is checked.
#
# Usage: oracle.sh [--update] [NAME-GLOB]
#   exit 0: all good; 1: disagreements (listed); 2: usage/setup error.
set -euo pipefail

mode=verify
filter='*'
for arg in "$@"; do
    case "$arg" in
        --update) mode=update ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        -*) echo "oracle.sh: unknown option $arg" >&2; exit 2 ;;
        *) filter="$arg" ;;
    esac
done

if ! command -v nix-instantiate >/dev/null 2>&1; then
    echo "oracle.sh: nix-instantiate not found on PATH (install nix, e.g. the nix-bin package)" >&2
    exit 2
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
LANG_DIR=$(cd "$script_dir/../tests/lang" && pwd -P)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nix-oracle.XXXXXX")
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

# Make results independent of the machine and the user.
mkdir -p "$WORK/home" "$WORK/results"
export HOME="$WORK/home"
export NIX_PATH=
export XDG_CACHE_HOME="$WORK/home/.cache" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share"
export NO_COLOR=1 TERM=dumb
unset NIX_CONFIG NIX_SHOW_STATS NIX_COUNT_CALLS 2>/dev/null || true
# A fresh private store (store paths still read /nix/store/...), so that what
# earlier runs wrote to the machine's store never changes an expectation.
export NIX_REMOTE="$WORK/store-root"
# Create it once here: the parallel runs below would race to initialise it.
nix-instantiate --eval -E 'null' >/dev/null
export LANG_DIR WORK MODE="$mode"

run_case() {
    local nix="$1" base kind name first out err rc line
    base=${nix%.nix}
    name=$base
    case "$base" in
        eval-okay-*) kind=okay ;;
        eval-fail-*) kind=fail ;;
        *) return 0 ;;
    esac
    local res="$WORK/results/$name"
    IFS= read -r first < "$LANG_DIR/$nix" || true
    if [[ "$first" == "# beyond-oracle:"* ]]; then
        local want="$LANG_DIR/$base.exp"; [[ $kind == fail ]] && want="$LANG_DIR/$base.err"
        if [[ -f "$want" ]]; then echo "SKIP" > "$res"; else echo "MISSING $name: beyond-oracle case without hand-written ${want##*/}" > "$res"; fi
        return 0
    fi
    out="$WORK/$name.out"; err="$WORK/$name.stderr"
    rc=0
    local flags=()
    [[ -f "$LANG_DIR/$base.flags" ]] && read -r -a flags < "$LANG_DIR/$base.flags"
    (cd "$LANG_DIR" && timeout 120 nix-instantiate "${flags[@]}" --eval --strict "$nix") > "$out" 2> "$err" || rc=$?
    if [[ $kind == okay ]]; then
        if [[ $rc -ne 0 ]]; then
            echo "BAD $name: nix-instantiate failed (rc=$rc): $(head -n1 "$err")" > "$res"; return 0
        fi
        if grep -qF "$LANG_DIR" "$out"; then
            echo "BAD $name: output contains the absolute path of the test directory" > "$res"; return 0
        fi
        if [[ $MODE == update ]]; then
            cp "$out" "$LANG_DIR/$base.exp"; echo "OK" > "$res"
        elif [[ ! -f "$LANG_DIR/$base.exp" ]]; then
            echo "MISSING $name: no $base.exp" > "$res"
        elif cmp -s "$out" "$LANG_DIR/$base.exp"; then
            echo "OK" > "$res"
        else
            echo "DIFF $name: stdout differs from $base.exp: got $(head -c 200 "$out" | tr '\n' ' ')" > "$res"
        fi
    else
        if [[ $rc -eq 0 ]]; then
            echo "BAD $name: nix-instantiate succeeded but the case must fail" > "$res"; return 0
        fi
        if [[ $rc -eq 124 ]]; then
            echo "BAD $name: timed out" > "$res"; return 0
        fi
        line=$(grep -v -m1 '^warning: ' "$err" || true)
        line=${line//"$LANG_DIR/"/}
        if [[ -z "$line" ]]; then
            echo "BAD $name: failed (rc=$rc) with empty stderr" > "$res"; return 0
        fi
        if [[ $MODE == update ]]; then
            printf '%s\n' "$line" > "$LANG_DIR/$base.err"; echo "OK" > "$res"
        elif [[ ! -f "$LANG_DIR/$base.err" ]]; then
            echo "MISSING $name: no $base.err" > "$res"
        elif [[ "$(printf '%s\n' "$line")" == "$(cat "$LANG_DIR/$base.err")" ]]; then
            echo "OK" > "$res"
        else
            echo "DIFF $name: first stderr line '$line' differs from $base.err '$(cat "$LANG_DIR/$base.err")'" > "$res"
        fi
    fi
}
export -f run_case

cd "$LANG_DIR"
shopt -s nullglob
cases=()
# nullglob keeps a pattern without wildcards even when no such file exists.
for c in eval-okay-$filter.nix eval-fail-$filter.nix; do
    [[ -f "$c" ]] && cases+=( "$c" )
done
if [[ ${#cases[@]} -eq 0 ]]; then
    echo "oracle.sh: no cases match '$filter' in $LANG_DIR" >&2; exit 2
fi

printf '%s\0' "${cases[@]}" | xargs -0 -n1 -P2 bash -c 'run_case "$1"' _

fail=0; ok=0; skip=0
for c in "${cases[@]}"; do
    r="$WORK/results/${c%.nix}"
    if [[ ! -f "$r" ]]; then echo "ERROR ${c%.nix}: no result recorded"; fail=$((fail+1)); continue; fi
    case "$(cat "$r")" in
        OK) ok=$((ok+1)) ;;
        SKIP) skip=$((skip+1)) ;;
        *) cat "$r"; fail=$((fail+1)) ;;
    esac
done

# orphaned expectations (a .exp/.err without its .nix)
if [[ "$filter" == '*' ]]; then
    for e in eval-okay-*.exp eval-fail-*.err; do
        if [[ ! -f "${e%.*}.nix" ]]; then echo "ORPHAN $e: no matching .nix"; fail=$((fail+1)); fi
    done
    for e in eval-okay-*.err eval-fail-*.exp; do
        echo "WRONG-KIND $e: okay cases use .exp, fail cases use .err"; fail=$((fail+1))
    done
fi

echo "oracle.sh ($mode): ${#cases[@]} cases: $ok ok, $skip beyond-oracle skipped, $fail problems"
[[ $fail -eq 0 ]] || exit 1
