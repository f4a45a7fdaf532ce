#!/usr/bin/env bash
# Linker launcher of the MinGW toolchain (CMAKE_CXX_LINKER_LAUNCHER): runs the link that g++ would run, but with
# LLVM's lld (Debian's lld package) in place of GNU ld. Same compiler, same MinGW-w64 libraries and start files:
# only the linker differs.
#
# Why: GNU ld's PE script keeps every .pdata/.xdata (SEH unwind) section, and with them every function of every
# object it links in, so --gc-sections barely works for x86_64 Windows; Boost's compiled parts then drag in all
# of libstdc++'s locale and iostream code. lld drops unreferenced functions with their unwind data: about
# 1.64 MB -> 1.27 MB for the stripped backend.
#   mingw-lld-link.sh <g++> <link arguments...>
set -euo pipefail

lld=$(command -v ld.lld || true)
if [[ -z "$lld" ]]; then
  echo "mingw-lld-link: ld.lld not found (Debian: lld), linking with GNU ld: the binary will be larger" >&2
  exec "$@"
fi

# The driver prints the collect2 command it would run, each argument double-quoted.
line=$("$@" -### 2>&1 | grep -E '^ "?[^" ]*collect2(\.exe)?"? ' | tail -n 1) || true
if [[ -z "$line" ]]; then
  exec "$@"  # not a link (or an unexpected driver): let g++ do it
fi
eval "collect=($line)"

args=()
for ((i = 1; i < ${#collect[@]}; i++)); do
  case "${collect[$i]}" in
    -plugin) ((i += 1)) ;;  # GCC's LTO plugin: lld has its own LTO and cannot load GCC's
    -plugin-opt=*) ;;
    *) args+=("${collect[$i]}") ;;
  esac
done
# "-m i386pep" among them makes ld.lld use its MinGW (COFF) driver.
exec "$lld" "${args[@]}"
