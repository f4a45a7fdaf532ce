# Shipped platform binaries (README.md, "Platform binaries").
#
# 1. Tells apps/backend/scripts/build-binary.sh where the build put the backend executable.
# 2. With BACKEND_BINARY_TESTS=ON in a host build with tests (scripts/test-binaries.sh sets it in build/dev):
#    registers the tests of the files in apps/desktop/src-tauri/binaries, label "binaries", run by
#    `ctest --preset binaries` and left out of `ctest --preset dev`. See tests/binaries/BinaryTests.cmake.
if(TARGET backend)
  file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/backend-path.txt" CONTENT "$<TARGET_FILE:backend>")
endif()

# Windows: the program that sends the backend console control events (tests/binaries/console_event_probe.cpp),
# built on request only: build-binary.sh builds it beside the backend, and the binaries tests run it under wine.
if(WIN32)
  add_executable(console_event_probe EXCLUDE_FROM_ALL "${CMAKE_CURRENT_LIST_DIR}/../tests/binaries/console_event_probe.cpp")
  set_target_properties(console_event_probe PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/probes")
endif()

option(BACKEND_BINARY_TESTS "Test the shipped binaries in apps/desktop/src-tauri/binaries (run build:binary first)" OFF)
if(BACKEND_BINARY_TESTS AND BACKEND_BUILD_TESTS AND NOT CMAKE_CROSSCOMPILING)
  include("${CMAKE_CURRENT_LIST_DIR}/../tests/binaries/BinaryTests.cmake")
endif()
