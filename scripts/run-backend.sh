#!/usr/bin/env bash
# Fresh machine to a running backend: installs what is missing, builds the dev preset, and runs the server in the
# foreground. It prints BACKEND_PORT:<port> on stdout and serves until Ctrl-C. PORT and BACKEND_* pass through;
# the settings store lives in build/dev/data unless BACKEND_DATA_DIR is set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh core
cmake --preset dev >&2
cmake --build --preset dev --target backend >&2
# A development store in the build folder unless BACKEND_DATA_DIR says otherwise: never the installed app's.
export BACKEND_DATA_DIR="${BACKEND_DATA_DIR:-$PWD/build/dev/data}"
exec build/dev/apps/backend/backend "$@"
