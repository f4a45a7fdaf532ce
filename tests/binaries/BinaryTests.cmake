# Tests of the shipped sidecar files in apps/desktop/src-tauri/binaries, registered in a host build when
# BACKEND_BINARY_TESTS is ON (scripts/test-binaries.sh; label "binaries", test preset "binaries").
#
# For each target triple:
#   binaries.<triple>.file      name, mode, architecture, stripped, linkage (Linux: libc/libm at most; Windows:
#                               system DLLs only), size budget                          (check-binary.sh)
#   binaries.<triple>.contract  the end-to-end contract suite (backend_e2e_tests, Contract* tests), spawning the
#                               file through its emulator (BACKEND_BIN, BACKEND_EMULATOR)
#   binaries.<triple>.smoke     handshake, /health, stdin shutdown, SIGINT (wine: CTRL_C_EVENT), exit codes
#                               (contract_smoke.py: needs no GoogleTest)
#   binaries.<windows triple>.console-event-{c,break,close}
#                               CTRL_C/CTRL_BREAK/CTRL_CLOSE_EVENT -> graceful exit 0 (console_event_probe.cpp)
# and the Tauri configuration check against the schema in @tauri-apps/cli. Every check has a case that must
# fail (the *.must-fail tests), so that a check that passes everything is noticed.

set(BACKEND_BINARIES_DIR "${PROJECT_SOURCE_DIR}/apps/desktop/src-tauri/binaries"
    CACHE PATH "Folder of the shipped sidecar files (backend-<triple>[.exe])")
set(BACKEND_SIZE_BUDGET 2000000 CACHE STRING "Largest allowed size of a shipped binary, in bytes (2.0 MB)")

# The targets --all builds on this host (apps/backend/scripts/build-binary.sh), and with them their emulator:
# the CMAKE_CROSSCOMPILING_EMULATOR of the cross build's toolchain (read from its cache when it exists).
set(_host_cpu "${CMAKE_HOST_SYSTEM_PROCESSOR}")
if(CMAKE_HOST_SYSTEM_NAME STREQUAL "Linux" AND _host_cpu MATCHES "^(x86_64|AMD64|amd64)$")
  set(_default_triples x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-msvc
                       x86_64-pc-windows-gnu)
elseif(CMAKE_HOST_SYSTEM_NAME STREQUAL "Linux" AND _host_cpu MATCHES "^(aarch64|arm64)$")
  set(_default_triples aarch64-unknown-linux-gnu)
elseif(CMAKE_HOST_SYSTEM_NAME STREQUAL "Darwin")
  set(_default_triples aarch64-apple-darwin x86_64-apple-darwin universal-apple-darwin)
else()
  set(_default_triples "")
endif()
set(BACKEND_BINARY_TRIPLES "${_default_triples}" CACHE STRING "Target triples whose shipped files are tested")

find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(_tests_dir "${CMAKE_CURRENT_LIST_DIR}")
set(_wine_run "${PROJECT_SOURCE_DIR}/scripts/wine-run.sh")
set(_wine_prefix "${CMAKE_BINARY_DIR}/wineprefix")
# The Contract* tests are the host contract, which every platform must keep (the rest of the suite probes
# POSIX specifics: signals by number, /proc, the parent's pid).
set(BACKEND_BINARY_CONTRACT_FILTER "Contract*:*/Contract*:OpenApiContract.*" CACHE STRING "gtest filter of the contract subset")

# Emulator for a triple, as a list: empty when the host runs it natively.
function(_backend_emulator triple out)
  set(emulator "")
  if(triple MATCHES "^aarch64-unknown-linux" AND NOT _host_cpu MATCHES "^(aarch64|arm64)$")
    set(cache_dir "${PROJECT_SOURCE_DIR}/build/cross-linux-aarch64")
    if(EXISTS "${cache_dir}/CMakeCache.txt")
      load_cache("${cache_dir}" READ_WITH_PREFIX _cross_ CMAKE_CROSSCOMPILING_EMULATOR)
      set(emulator "${_cross_CMAKE_CROSSCOMPILING_EMULATOR}")
    endif()
    if(NOT emulator)
      find_program(_qemu qemu-aarch64-static REQUIRED)
      set(emulator "${_qemu};-L;/usr/aarch64-linux-gnu")
    endif()
  elseif(triple MATCHES "windows" AND NOT CMAKE_HOST_WIN32)
    set(emulator "${_wine_run}")
  endif()
  set(${out} "${emulator}" PARENT_SCOPE)
endfunction()

# A wine prefix of the tests' own, made once (about 6 s) before the Windows tests, its server stopped after.
set(_needs_wine OFF)
foreach(triple IN LISTS BACKEND_BINARY_TRIPLES)
  if(triple MATCHES "windows" AND NOT CMAKE_HOST_WIN32)
    set(_needs_wine ON)
  endif()
endforeach()
if(_needs_wine)
  add_test(NAME binaries.wine-prefix COMMAND "${_wine_run}" --init)
  add_test(NAME binaries.wine-stop COMMAND "${_wine_run}" --stop)
  set_tests_properties(binaries.wine-prefix PROPERTIES FIXTURES_SETUP wine LABELS binaries
                       ENVIRONMENT "WINEPREFIX=${_wine_prefix}" TIMEOUT 120)
  set_tests_properties(binaries.wine-stop PROPERTIES FIXTURES_CLEANUP wine LABELS binaries
                       ENVIRONMENT "WINEPREFIX=${_wine_prefix}")
endif()

foreach(triple IN LISTS BACKEND_BINARY_TRIPLES)
  set(file "${BACKEND_BINARIES_DIR}/backend-${triple}")
  if(triple MATCHES "windows")
    string(APPEND file ".exe")
  endif()
  _backend_emulator(${triple} emulator)
  list(JOIN emulator " " emulator_words)
  set(env "BACKEND_BIN=${file}" "BACKEND_EMULATOR=${emulator_words}" "BACKEND_E2E_STARTUP_TIMEOUT_MS=30000")
  set(fixtures "")
  if(triple MATCHES "windows" AND NOT CMAKE_HOST_WIN32)
    list(APPEND env "WINEPREFIX=${_wine_prefix}")
    set(fixtures wine)
  endif()

  add_test(NAME binaries.${triple}.file
           COMMAND bash "${_tests_dir}/check-binary.sh" ${triple} "${file}" ${BACKEND_SIZE_BUDGET})
  set_tests_properties(binaries.${triple}.file PROPERTIES LABELS binaries)

  if(triple MATCHES "apple-darwin" AND NOT CMAKE_HOST_APPLE)
    continue()  # no Darwin emulator: the macOS files are only built and checked here
  endif()

  add_test(NAME binaries.${triple}.smoke
           COMMAND "${Python3_EXECUTABLE}" "${_tests_dir}/contract_smoke.py" --emulator "${emulator_words}" "${file}")
  set_tests_properties(binaries.${triple}.smoke PROPERTIES LABELS binaries ENVIRONMENT "${env}"
                       FIXTURES_REQUIRED "${fixtures}" TIMEOUT 240)

  # The two Windows names are one PE file: the full suite runs on the first, the second must be identical.
  if(triple STREQUAL "x86_64-pc-windows-gnu" AND "x86_64-pc-windows-msvc" IN_LIST BACKEND_BINARY_TRIPLES)
    add_test(NAME binaries.${triple}.same-as-msvc
             COMMAND ${CMAKE_COMMAND} -E compare_files "${file}"
                     "${BACKEND_BINARIES_DIR}/backend-x86_64-pc-windows-msvc.exe")
    set_tests_properties(binaries.${triple}.same-as-msvc PROPERTIES LABELS binaries)
    continue()
  endif()

  # Windows' console control events, sent as the console sends them (CtrlRoutine in a remote thread).
  if(triple STREQUAL "x86_64-pc-windows-msvc")
    set(probe "${PROJECT_SOURCE_DIR}/build/cross-windows-x64/probes/console_event_probe.exe")
    foreach(event c break close)
      add_test(NAME binaries.${triple}.console-event-${event} COMMAND ${emulator} "${probe}" "${file}" ${event})
      # Its own settings store folder in the build tree: never the real app data folder, never shared.
      set(_event_env ${env} "BACKEND_DATA_DIR=${CMAKE_BINARY_DIR}/binary-tests-data/console-event-${event}")
      set_tests_properties(binaries.${triple}.console-event-${event} PROPERTIES LABELS binaries ENVIRONMENT "${_event_env}"
                           FIXTURES_REQUIRED "${fixtures}" TIMEOUT 60)
    endforeach()
  endif()

  if(TARGET backend_e2e_tests)
    add_test(NAME binaries.${triple}.contract
             COMMAND backend_e2e_tests "--gtest_filter=${BACKEND_BINARY_CONTRACT_FILTER}")
    set_tests_properties(binaries.${triple}.contract PROPERTIES LABELS binaries ENVIRONMENT "${env}"
                         FIXTURES_REQUIRED "${fixtures}" TIMEOUT 600)
  endif()
endforeach()

# The checks can fail: a file checked as another triple's must be rejected (name and architecture).
list(LENGTH BACKEND_BINARY_TRIPLES _count)
if(_count GREATER 1)
  list(GET BACKEND_BINARY_TRIPLES 0 _first)
  list(GET BACKEND_BINARY_TRIPLES 1 _second)
  set(_first_file "${BACKEND_BINARIES_DIR}/backend-${_first}")
  if(_first MATCHES "windows")
    string(APPEND _first_file ".exe")
  endif()
  add_test(NAME binaries.file-check.must-fail COMMAND bash "${_tests_dir}/check-binary.sh" ${_second} "${_first_file}")
  set_tests_properties(binaries.file-check.must-fail PROPERTIES LABELS binaries WILL_FAIL TRUE)
endif()

# tauri.conf.json against the Tauri config schema of @tauri-apps/cli (node + ajv, tools/tauri-config-check).
find_program(BACKEND_NODE node)
find_program(BACKEND_NPM npm)
if(BACKEND_NODE AND BACKEND_NPM)
  set(_check_dir "${PROJECT_SOURCE_DIR}/tools/tauri-config-check")
  add_test(NAME binaries.tauri-config.npm-ci
           COMMAND bash -c "[ -d node_modules/@tauri-apps/cli ] || '${BACKEND_NPM}' ci --no-audit --no-fund"
           WORKING_DIRECTORY "${_check_dir}")
  add_test(NAME binaries.tauri-config.schema COMMAND "${BACKEND_NODE}" check.mjs WORKING_DIRECTORY "${_check_dir}")
  add_test(NAME binaries.tauri-config.self-test COMMAND "${BACKEND_NODE}" check.mjs --self-test
           WORKING_DIRECTORY "${_check_dir}")
  set_tests_properties(binaries.tauri-config.npm-ci PROPERTIES LABELS binaries FIXTURES_SETUP tauri_check TIMEOUT 300)
  set_tests_properties(binaries.tauri-config.schema binaries.tauri-config.self-test PROPERTIES LABELS binaries
                       FIXTURES_REQUIRED tauri_check)
else()
  message(WARNING "node and npm not found: the tauri.conf.json schema check is not registered "
                  "(scripts/install-deps.sh node)")
endif()
