#!/usr/bin/env bash
# Installs the Debian packages a group of tasks needs, only those missing, so a fresh Debian 12 machine
# can build and test the project with nothing installed by hand.
#   scripts/install-deps.sh core [cross] [fuzz] [bench] [browser] ...
set -euo pipefail

declare -A groups=(
  # Boost 1.81 explicitly: libboost-dev is 1.74 and conflicts with it.
  [core]="build-essential cmake ninja-build pkg-config libboost1.81-dev libgtest-dev googletest libvalijson-dev clang-format python3"
  # lld: the MinGW build links with it (cmake/toolchains/mingw-lld-link.sh).
  [cross]="g++-aarch64-linux-gnu qemu-user-static g++-mingw-w64-x86-64-posix lld wine wine64 binutils-mingw-w64-x86-64 file"
  [fuzz]="clang libclang-rt-14-dev"
  # build-essential: npm compiles the SQLite peer's better-sqlite3 from source (node-gyp, no prebuilt download).
  [bench]="nginx-light golang-go wrk gnuplot-nox python3 build-essential"
  [browser]="chromium"
  [node]="nodejs npm"
)

want=()
for group in "${@:-core}"; do
  [[ -n "${groups[$group]+set}" ]] || { echo "install-deps: unknown group '$group' (known: ${!groups[*]})" >&2; exit 2; }
  for pkg in ${groups[$group]}; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || want+=("$pkg")
  done
done
# node and npm may come from outside Debian (as on the dev machines): a working binary is enough.
if [[ " ${want[*]-} " == *" nodejs "* ]] && command -v node >/dev/null; then want=("${want[@]/nodejs}"); fi
if [[ " ${want[*]-} " == *" npm "* ]] && command -v npm >/dev/null; then want=("${want[@]/npm}"); fi
read -r -a want <<<"${want[*]-}"
[[ ${#want[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${want[*]}" >&2
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
# Other jobs on the machine may hold the dpkg lock for a while: wait for it rather than fail.
$sudo apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${want[@]}" >&2
