#!/usr/bin/env bash
# Fuzz the pure-Rust decoders of flask-fastsession (`make fuzz`).
#
#   FUZZ_SECONDS=60 bash fuzz/run.sh                # every target, 60 s each
#   FUZZ_SECONDS=600 bash fuzz/run.sh json_parse    # some targets only
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_JOBS       parallel libFuzzer workers per target (default 1)
#   FUZZ_SANITIZER  cargo-fuzz --sanitizer (default none: the fuzzed core has no `unsafe`
#                   and ASAN halves the speed; "address" works too)
#   FUZZ_ARGS       extra libFuzzer arguments
#
# cargo-fuzz needs nightly-only rustc flags (-Zsanitizer, -Cpasses=sancov...); on a
# stable toolchain RUSTC_BOOTSTRAP=1 unlocks them. The committed seeds in
# fuzz/corpus/<target>/ are only read: new inputs go to fuzz/work/<target>/ (ignored by
# git). Every file in fuzz/regressions/<target>/ is replayed before fuzzing. Crashes are
# saved by libFuzzer in fuzz/artifacts/<target>/ and reported at the end; the exit status
# is non-zero if any target crashed or failed to build.
set -uo pipefail

cd "$(dirname "$0")"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_JOBS="${FUZZ_JOBS:-1}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
FUZZ_ARGS="${FUZZ_ARGS:-}"
ALL_TARGETS=(unsign b64decode decompress json_parse)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

export RUSTC_BOOTSTRAP=1
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (cargo install cargo-fuzz)"
    cargo install cargo-fuzz || { echo "cargo install cargo-fuzz failed" >&2; exit 2; }
fi

echo "== building ${TARGETS[*]} (sanitizer: $FUZZ_SANITIZER)"
for t in "${TARGETS[@]}"; do
    cargo fuzz build --sanitizer "$FUZZ_SANITIZER" "$t" || { echo "build of $t failed" >&2; exit 2; }
done

mkdir -p logs
status=0
summary=()
for t in "${TARGETS[@]}"; do
    mkdir -p "work/$t" "corpus/$t" "artifacts/$t"
    verdict="ok"

    # 1. Replay the known crashers (if any) one by one.
    shopt -s nullglob
    regressions=(regressions/"$t"/*)
    shopt -u nullglob
    replayed=0
    for f in "${regressions[@]}"; do
        replayed=$((replayed + 1))
        rlog="logs/$t.regression.$(basename "$f").log"
        if ! cargo fuzz run --sanitizer "$FUZZ_SANITIZER" "$t" "$f" -- -runs=1 >"$rlog" 2>&1; then
            echo "!! $t: regression $f still fails (see $rlog)"
            verdict="REGRESSION"
            status=1
        fi
    done

    # 2. Fuzz for FUZZ_SECONDS, seeds read-only, findings into work/.
    echo "== fuzzing $t for ${FUZZ_SECONDS}s ($FUZZ_JOBS job(s))"
    log="logs/$t.log"
    # shellcheck disable=SC2086
    cargo fuzz run --sanitizer "$FUZZ_SANITIZER" --jobs "$FUZZ_JOBS" "$t" "work/$t" "corpus/$t" -- \
        -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        $FUZZ_ARGS >"$log" 2>&1
    rc=$?
    if [ "$FUZZ_JOBS" -gt 1 ]; then
        # libFuzzer's workers log to fuzz-<n>.log in the current directory.
        cat fuzz-*.log >>"$log" 2>/dev/null
        rm -f fuzz-*.log
    fi
    execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    secs=$(grep -h -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{s += $5} END {print s + 0}')
    crashes=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)
    if [ "$rc" -ne 0 ]; then
        verdict="CRASHED (exit $rc, see $log)"
        status=1
        grep -h -m 3 -E 'panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY' "$log" | sed 's/^/   /'
    fi
    corpus_size=$(find "work/$t" -type f | wc -l)
    summary+=("$(printf '%-11s %14s execs  %5ss  %3s artifact(s)  %6s corpus  %2s regression(s) replayed  %s' \
        "$t" "$execs" "$secs" "$crashes" "$corpus_size" "$replayed" "$verdict")")
done

echo
echo "== summary (FUZZ_SECONDS=$FUZZ_SECONDS, sanitizer $FUZZ_SANITIZER)"
for line in "${summary[@]}"; do echo "$line"; done
exit "$status"
