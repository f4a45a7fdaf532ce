#!/usr/bin/env bash
# Runs the request-path fuzzer (libFuzzer, clang, ASan + UBSan) for a while.
#   scripts/fuzz.sh [seconds]   default 60
# Locally, new interesting inputs are merged into the committed corpus and crashes land in tests/fuzz/crashes/, to be
# committed with the fix (the replay test keeps them covered). In CI (CI set) nothing in the repo changes: a crash
# fails the run and its input is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
fuzz_dir=apps/backend/tests/fuzz

bash scripts/install-deps.sh core fuzz
cmake --preset fuzz >&2
cmake --build --preset fuzz >&2
fuzzer=build/fuzz/apps/backend/tests/request_fuzzer

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/crashes"
cp "$fuzz_dir"/corpus/* "$work/corpus/"

status=0
"$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/log" 2>&1 || status=$?
tail -n 15 "$work/log" >&2
if [[ $status -ne 0 ]]; then
  for crash in "$work"/crashes/*; do
    [[ -e $crash ]] || continue
    echo "fuzz: crashing input $(basename "$crash") (base64): $(base64 -w0 "$crash")" >&2
    [[ -n ${CI:-} ]] || cp "$crash" "$fuzz_dir/crashes/"
  done
  echo "fuzz: the fuzzer failed (exit $status)" >&2
  exit 1
fi
if [[ -z ${CI:-} ]]; then
  # Keep only inputs that add coverage to the committed corpus.
  "$fuzzer" -merge=1 "$fuzz_dir/corpus" "$work/corpus" >/dev/null 2>&1
fi
echo "fuzz: no crash in ${seconds} s"
