# Included by the cross toolchain files. A cross compiler must not see the build machine's /usr/include (its
# glibc and libstdc++ headers would shadow the target's), yet Boost is header-only and target-neutral. So the
# compiler gets a folder that holds nothing but a `boost` symlink to the system's Boost headers.
#
# Created at configure time in the build folder. Toolchain files are also read by try_compile() projects, whose
# CMAKE_BINARY_DIR is a scratch folder: the first (top-level) folder is kept in BACKEND_BOOST_ONLY_INCLUDE and
# handed on to them.
if(NOT DEFINED BACKEND_BOOST_ONLY_INCLUDE)
  set(BACKEND_BOOST_ONLY_INCLUDE "${CMAKE_BINARY_DIR}/boost-only-include")
endif()
if(NOT DEFINED BACKEND_BOOST_HEADERS)
  set(BACKEND_BOOST_HEADERS "/usr/include/boost")
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES BACKEND_BOOST_ONLY_INCLUDE BACKEND_BOOST_HEADERS)

if(NOT EXISTS "${BACKEND_BOOST_HEADERS}/version.hpp")
  message(FATAL_ERROR "Boost headers not found at ${BACKEND_BOOST_HEADERS} (Debian: libboost1.81-dev)")
endif()
if(NOT IS_SYMLINK "${BACKEND_BOOST_ONLY_INCLUDE}/boost")
  file(MAKE_DIRECTORY "${BACKEND_BOOST_ONLY_INCLUDE}")
  file(CREATE_LINK "${BACKEND_BOOST_HEADERS}" "${BACKEND_BOOST_ONLY_INCLUDE}/boost" SYMBOLIC)
endif()
# apps/backend/CMakeLists.txt looks for boost/version.hpp in BACKEND_BOOST_INCLUDE_DIR: set, it is not searched.
set(BACKEND_BOOST_INCLUDE_DIR "${BACKEND_BOOST_ONLY_INCLUDE}" CACHE PATH "Boost headers for the target (a boost-only folder)")
