#!/usr/bin/env bash
# `npm run dev`: builds the dev preset and runs the backend in the foreground, with the arguments given.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"  # CMake finds CMakePresets.json in the working directory
cmake --preset dev -S "$ROOT" >&2
cmake --build --preset dev --target backend >&2
exe=$(cat "$ROOT/build/dev/backend-path.txt")
[[ "${1:-}" == "--" ]] && shift
# A development store in the build folder unless BACKEND_DATA_DIR says otherwise: never the installed app's.
export BACKEND_DATA_DIR="${BACKEND_DATA_DIR:-$ROOT/build/dev/data}"
exec "$exe" "$@"
