#!/usr/bin/env bash
# The platform binaries, end to end: builds every target this machine can build
# (apps/desktop/src-tauri/binaries/backend-<triple>[.exe]), then runs the "binaries" tests: each file's checks
# and the contract suite under its emulator (qemu-user, wine), and the tauri.conf.json schema check.
#   scripts/test-binaries.sh                 Linux + Windows targets (what --all builds here)
#   scripts/test-binaries.sh --macos-check   also compile and link both macOS targets with zig (slow the first
#                                            time: zig builds libc++ per target, minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

build_args=(--all)
[[ "${1:-}" == "--macos-check" ]] && build_args+=(--macos-check)

started=$SECONDS
bash scripts/install-deps.sh core cross node
bash apps/backend/scripts/build-binary.sh "${build_args[@]}"
# The contract suite is the host's e2e test program, run against each file (build/dev, shared with the dev suite).
cmake --preset dev -DBACKEND_BINARY_TESTS=ON
cmake --build --preset dev --target backend_e2e_tests
ctest --preset binaries
echo "test-binaries: done in $((SECONDS - started)) s" >&2
