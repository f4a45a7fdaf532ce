# aarch64-unknown-linux-gnu from an x86_64 Debian host: Debian's g++-aarch64-linux-gnu, linked statically, run
# under qemu-user (binfmt is not assumed to be mounted, so the emulator is called explicitly).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(BACKEND_TARGET_TRIPLE aarch64-unknown-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_STRIP aarch64-linux-gnu-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# -L: where a dynamically linked test program would find its loader and libc; harmless for static ones.
find_program(BACKEND_QEMU_AARCH64 qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${BACKEND_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu")

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
include("${CMAKE_CURRENT_LIST_DIR}/BoostOnlyInclude.cmake")
