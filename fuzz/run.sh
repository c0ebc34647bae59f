#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 1800) with the Nix dictionary,
# keeping corpora in fuzz/corpus/TARGET (seeded from the language corpus)
# and crashes in fuzz/artifacts/TARGET. Needs nightly and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-1800}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(eval from_str builtins)
# Leaks of one input are caught in the loop; lsan.supp is where a deliberate
# exception would go (there is none: interned names are freed too).
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    if [ "$t" != builtins ] && [ -z "$(ls -A "corpus/$t")" ]; then
        cp ../evaluator/tests/lang/*.nix "corpus/$t/"
    fi
    # A finding stops this target only: the others still run.
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -dict=nix.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 || status=1
done
exit $status
