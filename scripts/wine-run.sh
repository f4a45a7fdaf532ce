#!/usr/bin/env bash
# Runs a Windows program under wine the way the tests need it: no debug chatter (WINEDEBUG=-all), no display,
# and a wine prefix of the project's own, never the user's ~/.wine. It is created on first use (about 6 s),
# under a lock, so parallel tests share one prefix.
#   scripts/wine-run.sh program.exe [args...]      (CMAKE_CROSSCOMPILING_EMULATOR of the Windows toolchain)
#   scripts/wine-run.sh --init                     (create the prefix; start its wineserver until --stop)
#   scripts/wine-run.sh --stop                     (stop this prefix's wineserver)
# WINEPREFIX, when set, is used as it is; otherwise ${XDG_CACHE_HOME:-~/.cache}/aios-backend/wineprefix.
set -euo pipefail

export WINEDEBUG=-all
export WINEPREFIX="${WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/aios-backend/wineprefix}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono or Gecko install prompts
unset DISPLAY WAYLAND_DISPLAY

wine_bin=$(command -v wine || command -v wine64 || true)
[[ -n "$wine_bin" ]] || { echo "wine-run: wine not found (Debian: scripts/install-deps.sh cross)" >&2; exit 127; }

init_prefix() {
  [[ -f "$WINEPREFIX/system.reg" ]] && return 0
  mkdir -p "$(dirname "$WINEPREFIX")"
  (
    flock 9
    if [[ ! -f "$WINEPREFIX/system.reg" ]]; then
      echo "wine-run: creating wine prefix $WINEPREFIX" >&2
      "$wine_bin" wineboot --init >/dev/null 2>&1 || true
      # wineboot returns before the registry is written out: wait for the server to finish.
      wineserver -w 2>/dev/null || true
      [[ -f "$WINEPREFIX/system.reg" ]] || { echo "wine-run: could not create $WINEPREFIX" >&2; exit 1; }
    fi
  ) 9>"$WINEPREFIX.lock"
}

# Starts this prefix's wineserver, unless it runs, to linger `persist` seconds after its last program ("" for
# ever), and with it wine's own services (services.exe, rpcss, ...), with none of our pipes: started by a test's
# program instead, they would inherit its stdout and hold it open as long as the server runs.
start_server() {
  local persist=$1
  if wineserver "-p$persist" </dev/null >/dev/null 2>&1; then
    "$wine_bin" cmd /c exit </dev/null >/dev/null 2>&1 || true
  fi  # else it already runs
}

case "${1:-}" in
  --init)
    init_prefix
    start_server ""
    ;;
  --stop)
    if [[ -d "$WINEPREFIX" ]]; then wineserver -k 2>/dev/null || true; fi
    ;;
  "")
    echo "usage: wine-run.sh program.exe [args...] | --init | --stop" >&2
    exit 2
    ;;
  *)
    init_prefix
    start_server 30
    exec "$wine_bin" "$@"
    ;;
esac
