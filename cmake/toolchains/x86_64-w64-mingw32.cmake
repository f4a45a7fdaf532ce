# x86_64-pc-windows-{msvc,gnu} from a Debian host: Debian's g++-mingw-w64-x86-64-posix (the posix thread model,
# which std::thread needs), linked fully statically so the .exe imports only Windows system DLLs; run under wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(BACKEND_TARGET_TRIPLE x86_64-pc-windows-msvc)

set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_STRIP x86_64-w64-mingw32-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# wine with WINEDEBUG=-all, a WINEPREFIX of our own (created on first use) and no display: see the script.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../../scripts/wine-run.sh")
cmake_path(NORMAL_PATH CMAKE_CROSSCOMPILING_EMULATOR)

# No MinGW DLL at run time (libstdc++, libgcc_s, libwinpthread): everything static. The Windows API level and
# the socket libraries (ws2_32, mswsock) are the project's business: see cmake/Platform.cmake.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# Linked by lld instead of GNU ld, whose PE --gc-sections keeps all unwind data: see mingw-lld-link.sh.
set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_CURRENT_LIST_DIR}/mingw-lld-link.sh")
include("${CMAKE_CURRENT_LIST_DIR}/BoostOnlyInclude.cmake")
