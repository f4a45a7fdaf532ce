# x86_64-apple-darwin, compiled and linked on Linux with zig (a build check; not run). See ZigMacOS.cmake.
set(ZIG_TARGET x86_64-macos)
include("${CMAKE_CURRENT_LIST_DIR}/ZigMacOS.cmake")
