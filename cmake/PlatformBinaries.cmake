# Shipped platform binaries (docs/platform-binaries.md).
#
# 1. Tells apps/backend/scripts/build-binary.sh where the build put the backend executable.
# 2. With BACKEND_BINARY_TESTS=ON in a host build with tests (scripts/test-binaries.sh sets it in build/dev):
#    registers the tests of the files in apps/desktop/src-tauri/binaries, label "binaries", run by
#    `ctest --preset binaries` and left out of `ctest --preset dev`. See tests/binaries/BinaryTests.cmake.
if(TARGET backend)
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/backend-path.txt" CONTENT "$<TARGET_FILE:backend>")
endif()

option(BACKEND_BINARY_TESTS "Test the shipped binaries in apps/desktop/src-tauri/binaries (run build:binary first)" OFF)
if(BACKEND_BINARY_TESTS AND BACKEND_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  include("${CMAKE_CURRENT_LIST_DIR}/../tests/binaries/BinaryTests.cmake")
endif()
