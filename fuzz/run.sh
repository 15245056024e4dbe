#!/usr/bin/env bash
# Runs one fuzz target for a fixed time and prints the line for docs/fuzzing.md.
#
#   fuzz/run.sh <target> [seconds] [extra libFuzzer flags...]
#
# Corpus: fuzz/corpus/<target> (generated, gitignored), seeded read-only from
# fuzz/seeds/<target>. Crashes land in fuzz/artifacts/<target>. The build is release
# (-O), without a sanitizer (-s none: safe Rust; libFuzzer still reports panics,
# timeouts and memory over -rss_limit_mb). Set FUZZ_TARGET_DIR to move the build.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}
shift $(( $# > 1 ? 2 : 1 ))
target_dir=${FUZZ_TARGET_DIR:-/work/target-fuzz/fuzz}
mkdir -p "corpus/$target" logs
log="logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
started=$(date -u +%Y-%m-%dT%H:%MZ)
set +e
nice -n 10 cargo +nightly fuzz run -O -s none --target-dir "$target_dir" "$target" \
    "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 "$@" \
    >"$log" 2>&1
status=$?
set -e
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
corpus=$(find "corpus/$target" -type f | wc -l)
size=$(du -sk "corpus/$target" | cut -f1)
echo "$target | started $started | ${secs:-?} s | ${runs:-?} execs | corpus $corpus files (${size} KB) | exit $status | $log"
