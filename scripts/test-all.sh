#!/usr/bin/env bash
# Fresh machine to every test passing: installs what is missing, then runs each suite in turn.
# CI runs exactly this (.ci/run). A failing step stops the run with its exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

steps_passed=0
step() {
  local name=$1
  shift
  echo "==> $name" >&2
  local started=$SECONDS
  "$@"
  steps_passed=$((steps_passed + 1))
  echo "<== $name: ok ($((SECONDS - started)) s)" >&2
}

step "install dependencies" bash scripts/install-deps.sh core fuzz browser node
step "format check" bash scripts/check-format.sh

# The whole suite, with the compiler and flags the binary ships with.
step "configure dev" cmake --preset dev
step "build dev" cmake --build --preset dev
step "test dev" ctest --preset dev
# The TypeScript side against the binary just built: OpenAPI document, typed client, type test, headless Chromium.
step "test client" env BACKEND_BIN="$PWD/build/dev/apps/backend/backend" npm --prefix packages/client test

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
step "configure sanitize" cmake --preset sanitize
step "build sanitize" cmake --build --preset sanitize
step "test sanitize" ctest --preset sanitize

# The shipped binaries: every platform's file built, checked, and its contract run under its emulator (qemu-user,
# wine); the macOS code compiled and linked with zig; tauri.conf.json against Tauri's schema.
step "platform binaries" bash scripts/test-binaries.sh --macos-check

# A short libFuzzer run on the request path (clang, ASan + UBSan); the corpus replay above runs under g++.
step "fuzz" bash scripts/fuzz.sh 30

# The benchmark's quick mode (builds the release preset, ours vs Hono on Node and nginx, seconds): checks that the
# bench still runs and parses; it does not judge the noisy ratios. The full run is on demand: bench/run.sh.
step "bench quick" bash bench/run.sh --quick

echo "test-all: ${steps_passed} passed, 0 failed"
