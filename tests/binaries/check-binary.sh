#!/usr/bin/env bash
# Checks one shipped sidecar file for its target triple: name, mode, architecture, stripped, linkage, size.
#   check-binary.sh <triple> <file> [size budget in bytes, default 2000000]
# Linux: static, or dynamic against libc and libm only. Windows: imports only Windows system DLLs (no MinGW
# runtime DLL). macOS: a Mach-O executable of the right architecture (universal: both).
set -euo pipefail

triple=$1
file=$2
budget=${3:-2000000}
fail=0
bad() {
  echo "FAIL: $*"
  fail=1
}
ok() { echo "ok: $*"; }

[[ -f "$file" ]] || {
  echo "FAIL: $file does not exist (run: npm --prefix apps/backend run build:binary -- --all)"
  exit 1
}
name=$(basename "$file")

# Name: what Tauri looks for, backend-<triple>, plus .exe exactly when the triple is a Windows one.
expected="backend-$triple"
[[ $triple == *windows* ]] && expected+=".exe"
[[ $name == "$expected" ]] && ok "name $name" || bad "name is $name, Tauri looks for $expected"

mode=$(stat -c %a "$file" 2>/dev/null || stat -f %Lp "$file")
[[ $mode == 755 ]] && ok "mode 755" || bad "mode is $mode, not 755"

bytes=$(wc -c <"$file" | tr -d ' ')
[[ $bytes -le $budget ]] && ok "size $bytes bytes <= $budget" || bad "size $bytes bytes > budget $budget"

description=$(file -b "$file")
echo "file: $description"
case "$triple" in
  *-linux-gnu)
    case "$triple" in
      x86_64-*) machine="Advanced Micro Devices X86-64" ;;
      aarch64-*) machine="AArch64" ;;
    esac
    [[ $description == ELF\ 64-bit\ LSB\ * ]] && ok "ELF 64-bit" || bad "not a 64-bit ELF file"
    header_machine=$(readelf -h "$file" | sed -n 's/^ *Machine: *//p')
    [[ $header_machine == "$machine" ]] && ok "machine $header_machine" || bad "machine is '$header_machine', not '$machine'"
    [[ $description == *", stripped"* ]] && ok "stripped" || bad "not stripped"
    # Shared libraries: none (static), or only glibc's libc and libm (and its loader).
    needed=$(readelf -d "$file" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p' | tr '\n' ' ')
    if [[ -z "$needed" ]]; then
      ok "no shared libraries (static)"
    else
      extra=""
      for lib in $needed; do
        case "$lib" in libc.so.* | libm.so.* | ld-linux-*.so.*) ;; *) extra+=" $lib" ;; esac
      done
      [[ -z "$extra" ]] && ok "shared libraries: $needed" || bad "shared libraries beyond libc and libm:$extra"
    fi
    ;;
  x86_64-pc-windows-*)
    objdump=$(command -v x86_64-w64-mingw32-objdump || command -v objdump)
    [[ $description == PE32+\ executable*x86-64* ]] && ok "PE32+ x86-64" || bad "not a PE32+ x86-64 executable"
    [[ $description == *"(console)"* ]] && ok "console subsystem" || bad "not a console program"
    headers=$("$objdump" -p "$file")
    symbols=$("$objdump" -t "$file" 2>&1 | grep -c '^\[' || true)
    [[ $symbols -eq 0 ]] && ok "stripped (no symbol table)" || bad "has $symbols symbols: not stripped"
    dlls=$(sed -n 's/^[[:space:]]*DLL Name: //p' <<<"$headers" | tr '\n' ' ')
    echo "imports: $dlls"
    extra=""
    for dll in $dlls; do
      case "${dll,,}" in
        kernel32.dll | ntdll.dll | msvcrt.dll | ws2_32.dll | mswsock.dll | bcrypt.dll | advapi32.dll | user32.dll | \
          shell32.dll | ucrtbase.dll | api-ms-win-*.dll) ;;
        *) extra+=" $dll" ;;
      esac
    done
    [[ -z "$extra" ]] && ok "imports only Windows system DLLs" || bad "imports non-system DLLs:$extra"
    ;;
  aarch64-apple-darwin)
    [[ $description == Mach-O\ 64-bit\ arm64\ executable* ]] && ok "Mach-O arm64" || bad "not a Mach-O arm64 executable"
    ;;
  x86_64-apple-darwin)
    [[ $description == Mach-O\ 64-bit\ x86_64\ executable* ]] && ok "Mach-O x86_64" || bad "not a Mach-O x86_64 executable"
    ;;
  universal-apple-darwin)
    [[ $description == Mach-O\ universal\ binary* && $description == *arm64* && $description == *x86_64* ]] &&
      ok "Mach-O universal (arm64, x86_64)" || bad "not a universal arm64 + x86_64 Mach-O"
    ;;
  *) bad "unknown triple $triple" ;;
esac

exit $fail
