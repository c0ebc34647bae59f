#!/usr/bin/env bash
# Check (default) or regenerate (--update) the expectations of a CLI test
# directory: tests/DIR/NAME.exp is the stdout of `nix-instantiate FLAGS NAME.nix`
# with FLAGS read from tests/DIR/flags (e.g. `--eval` for non-strict printing,
# `--eval --strict --xml` for XML output with positions). The directory's
# absolute path is removed from the output.
#
# Usage: cli-oracle.sh DIR [--update]
set -euo pipefail
dir=${1:?usage: cli-oracle.sh DIR [--update]}
cd "$(dirname "$0")/../tests/$dir"
command -v nix-instantiate >/dev/null || { echo "cli-oracle.sh: nix-instantiate not found" >&2; exit 2; }
export NIX_PATH=
# A fresh private store (store paths still read /nix/store/...), so the
# machine's /nix/store is neither read nor written.
store_root=$(mktemp -d "${TMPDIR:-/tmp}/nix-oracle-store.XXXXXX")
trap 'chmod -R u+w "$store_root" 2>/dev/null; rm -rf "$store_root"' EXIT
export NIX_REMOTE="$store_root"
read -r -a flags < flags
status=0
for f in *.nix; do
    n=${f%.nix}
    out=$(nix-instantiate "${flags[@]}" "$f" 2>/dev/null | sed "s|$PWD/||g") || { echo "BAD $n: nix-instantiate failed"; status=1; continue; }
    if [ "${2:-}" = "--update" ]; then
        printf '%s\n' "$out" > "$n.exp"
    elif [ "$out" != "$(cat "$n.exp")" ]; then
        echo "BAD $dir/$n: $n.exp differs from C++ Nix"; status=1
    fi
done
[ $status = 0 ] && echo "cli-oracle.sh: $dir: $(ls *.nix | wc -l) cases agree with C++ Nix"
exit $status
