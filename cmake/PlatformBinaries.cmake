# Shipped platform binaries (docs/platform-binaries.md).
#
# 1. Tells apps/backend/scripts/build-binary.sh where the build put the backend executable.
# 2. With BACKEND_BINARY_TESTS=ON (the `binaries` preset, a host build): registers, for each file in
#    apps/desktop/src-tauri/binaries, the end-to-end contract suite run under the file's emulator, and checks of
#    the file itself; and the check of tauri.conf.json against Tauri's schema. See tests/binaries/.
if(TARGET backend)
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/backend-path.txt" CONTENT "$<TARGET_FILE:backend>")
endif()

option(BACKEND_BINARY_TESTS "Test the shipped binaries in apps/desktop/src-tauri/binaries (run build:binary first)" OFF)
if(BACKEND_BINARY_TESTS)
  include("${CMAKE_CURRENT_LIST_DIR}/../tests/binaries/BinaryTests.cmake")
endif()
