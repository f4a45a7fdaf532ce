#!/usr/bin/env bash
# The benchmark suite in one command (issue 6). See bench/README.md.
#   bench/run.sh            full run (a few minutes): writes bench/results/{results.md,results.json,chart.png}
#   bench/run.sh --quick    CI smoke run (seconds): ours + Hono on Node + nginx, results in a temp dir
#   BACKEND_BIN=path/to/backend bench/run.sh ...   benchmark that binary instead of the release build
# Other options: bench/run.sh --help
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

for arg in "$@"; do [[ $arg == -h || $arg == --help ]] && exec python3 "$here/bench.py" --help; done

# Debian packages: nginx, Go, wrk, gnuplot (bench group) and Node/npm for the Hono peers.
"$root/scripts/install-deps.sh" bench node

# Our shipped binary: the release preset, built (incrementally) unless BACKEND_BIN names one.
if [[ -z "${BACKEND_BIN:-}" ]]; then
  "$root/scripts/install-deps.sh" core
  if [[ ! -f "$root/build/release/build.ninja" ]]; then
    (cd "$root" && cmake --preset release >&2)
  fi
  (cd "$root" && cmake --build --preset release >&2)
  export BACKEND_BIN="$root/build/release/apps/backend/backend"
fi

exec python3 "$here/bench.py" "$@"
