#!/usr/bin/env bash
# The benchmark suite in one command (issue 6). See bench/README.md.
#   bench/run.sh            full run (~10 minutes): writes bench/results/{results.md,results.json,chart.png}
#   bench/run.sh --quick    CI smoke run (~30 s): every scenario with tiny counts, results in a temp dir
#   BACKEND_BIN=path/to/backend bench/run.sh ...   benchmark that binary instead of the release build
#   BACKEND_BASELINE_BIN=path/to/backend ...       our server at b886f62 for issue 9's /health comparison
#                                                  (default: built by the bench from that commit's tree)
# Other options: bench/run.sh --help
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

for arg in "$@"; do [[ $arg == -h || $arg == --help ]] && exec python3 "$here/bench.py" --help; done

# Debian packages: nginx, Go, wrk, gnuplot, a C++ toolchain for better-sqlite3 (bench group) and Node/npm for
# the Hono peers.
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
