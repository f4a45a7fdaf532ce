# SQLite, compiled into the backend from the official amalgamation (sqlite3.c, sqlite3.h).
#
# Where it comes from: the npm package better-sqlite3 ships the amalgamation in deps/sqlite3/. Its registry
# tarball is pinned here by version and SHA-256, downloaded once per clone into .cache/ (gitignored; shared by
# every preset), and only the two files are extracted into the build folder. Nothing of SQLite is committed.
# Offline: put the tarball at the cache path below, or pass -DBACKEND_SQLITE_TARBALL=/path/to/it.
#
# How it is built: SQLite's recommended compile-time options (sqlite.org/compile.html#rcmd), except:
# - SQLITE_THREADSAFE=2 (multi-thread), not 0: one connection per store, used by one thread at a time (opened on
#   the I/O thread, then owned by the store's writer thread), so no connection mutexes are needed; but SQLite's
#   global state (the VFS's open-file table, the allocator) is still shared by connections in different threads
#   (two stores in a test, the second-backend check), and 0 would leave it unguarded.
# - SQLITE_DEFAULT_WAL_SYNCHRONOUS=2 (FULL), not 1: an answered write must survive a power loss too. The store
#   also sets PRAGMA synchronous=FULL; this makes FULL the default for any other connection.
# - SQLITE_OMIT_JSON: the store keeps JSON as text and never queries into it (smaller binary).
# - SQLITE_OMIT_DATETIME_FUNCS and SQLITE_OMIT_LOCALTIME: the store's SQL uses no date functions. The second
#   is the one that keeps localtime_r out, which would pull the C library's time-zone code (tzset, with sscanf
#   and strtold: ~70 kB of the static binary); the first alone would not (CURRENT_TIMESTAMP then uses
#   gmtime+strftime).
# - SQLITE_OMIT_COMPILEOPTION_DIAGS, SQLITE_UNTESTABLE: no compile_options table, no test hooks (smaller binary).
set(BACKEND_SQLITE_VERSION "3.53.0")
set(BACKEND_SQLITE_NPM_PACKAGE "better-sqlite3-12.9.0.tgz")
set(BACKEND_SQLITE_URL "https://registry.npmjs.org/better-sqlite3/-/${BACKEND_SQLITE_NPM_PACKAGE}")
set(BACKEND_SQLITE_SHA256 "ad0e29650140c49d0335b1d356596aa8166f12b758f418a98446130e3278f250")

set(BACKEND_SQLITE_TARBALL "${PROJECT_SOURCE_DIR}/.cache/sqlite/${BACKEND_SQLITE_NPM_PACKAGE}"
    CACHE FILEPATH "The better-sqlite3 npm tarball holding SQLite's amalgamation (downloaded if absent)")

set(_sqlite_hash "")
if(EXISTS "${BACKEND_SQLITE_TARBALL}")
  file(SHA256 "${BACKEND_SQLITE_TARBALL}" _sqlite_hash)
endif()
if(NOT _sqlite_hash STREQUAL BACKEND_SQLITE_SHA256)
  message(STATUS "Downloading SQLite ${BACKEND_SQLITE_VERSION} (${BACKEND_SQLITE_URL})")
  # A unique temporary name, renamed into place: presets configured at the same time never see half a file.
  string(RANDOM LENGTH 8 _sqlite_tmp_suffix)
  set(_sqlite_tmp "${BACKEND_SQLITE_TARBALL}.${_sqlite_tmp_suffix}.part")
  file(DOWNLOAD "${BACKEND_SQLITE_URL}" "${_sqlite_tmp}" EXPECTED_HASH SHA256=${BACKEND_SQLITE_SHA256}
       STATUS _sqlite_status TLS_VERIFY ON)
  list(GET _sqlite_status 0 _sqlite_code)
  if(NOT _sqlite_code EQUAL 0)
    file(REMOVE "${_sqlite_tmp}")
    list(GET _sqlite_status 1 _sqlite_message)
    message(FATAL_ERROR "Cannot download ${BACKEND_SQLITE_URL}: ${_sqlite_message}\n"
                        "Offline: place the file (SHA-256 ${BACKEND_SQLITE_SHA256}) at ${BACKEND_SQLITE_TARBALL}")
  endif()
  file(RENAME "${_sqlite_tmp}" "${BACKEND_SQLITE_TARBALL}")
endif()

set(_sqlite_dir "${CMAKE_BINARY_DIR}/_deps/sqlite-${BACKEND_SQLITE_VERSION}")
if(NOT EXISTS "${_sqlite_dir}/sqlite3.c" OR NOT EXISTS "${_sqlite_dir}/sqlite3.h")
  file(REMOVE_RECURSE "${_sqlite_dir}" "${_sqlite_dir}-extract")
  file(ARCHIVE_EXTRACT INPUT "${BACKEND_SQLITE_TARBALL}" DESTINATION "${_sqlite_dir}-extract"
       PATTERNS package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h)
  file(RENAME "${_sqlite_dir}-extract/package/deps/sqlite3" "${_sqlite_dir}")
  file(REMOVE_RECURSE "${_sqlite_dir}-extract")
endif()
file(STRINGS "${_sqlite_dir}/sqlite3.h" _sqlite_version_line REGEX "^#define SQLITE_VERSION +\"")
if(NOT _sqlite_version_line MATCHES "\"${BACKEND_SQLITE_VERSION}\"")
  message(FATAL_ERROR "${BACKEND_SQLITE_NPM_PACKAGE} does not hold SQLite ${BACKEND_SQLITE_VERSION}: ${_sqlite_version_line}")
endif()

# C only, and without the project's warning flags (they are set for C++): SQLite's own code is not ours to
# warn about. No sanitizer either (the presets set them for C++ only): SQLite is tested by its authors.
add_library(sqlite3 STATIC "${_sqlite_dir}/sqlite3.c")
target_include_directories(sqlite3 SYSTEM PUBLIC "${_sqlite_dir}")
target_compile_definitions(sqlite3 PRIVATE
  SQLITE_THREADSAFE=2
  SQLITE_DQS=0
  SQLITE_DEFAULT_MEMSTATUS=0
  SQLITE_DEFAULT_SYNCHRONOUS=2
  SQLITE_DEFAULT_WAL_SYNCHRONOUS=2
  SQLITE_LIKE_DOESNT_MATCH_BLOBS
  SQLITE_MAX_EXPR_DEPTH=0
  SQLITE_MAX_MMAP_SIZE=0
  SQLITE_OMIT_AUTHORIZATION
  SQLITE_OMIT_AUTOVACUUM
  SQLITE_OMIT_BETWEEN_OPTIMIZATION
  SQLITE_OMIT_HEX_INTEGER
  SQLITE_OMIT_OR_OPTIMIZATION
  SQLITE_OMIT_QUICKBALANCE
  SQLITE_OMIT_XFER_OPT
  SQLITE_OMIT_AUTORESET
  SQLITE_OMIT_COMPILEOPTION_DIAGS
  SQLITE_OMIT_COMPLETE
  SQLITE_OMIT_DATETIME_FUNCS
  SQLITE_OMIT_DECLTYPE
  SQLITE_OMIT_DESERIALIZE
  SQLITE_OMIT_GET_TABLE
  SQLITE_OMIT_INTROSPECTION_PRAGMAS
  SQLITE_OMIT_TRACE
  SQLITE_OMIT_UTF16
  SQLITE_OMIT_JSON
  SQLITE_OMIT_LOCALTIME
  SQLITE_OMIT_PROGRESS_CALLBACK
  SQLITE_OMIT_SHARED_CACHE
  SQLITE_STRICT_SUBTYPE=1
  SQLITE_UNTESTABLE
  SQLITE_USE_ALLOCA)
if(NOT WIN32)
  target_compile_definitions(sqlite3 PRIVATE HAVE_USLEEP=1)
endif()
# API switches: PUBLIC, so the store's code sees the same API as the library was built with (OMIT_AUTOINIT:
# the store calls sqlite3_initialize() itself).
target_compile_definitions(sqlite3 PUBLIC SQLITE_OMIT_AUTOINIT SQLITE_OMIT_DEPRECATED SQLITE_OMIT_LOAD_EXTENSION)
set_target_properties(sqlite3 PROPERTIES C_STANDARD 99 C_EXTENSIONS ON POSITION_INDEPENDENT_CODE OFF)
target_compile_options(sqlite3 PRIVATE -w)
if(BACKEND_STATIC)
  # No unwind tables in the shipped binary (74 kB on x86_64): SQLite is C, and the store gives it no callback
  # that could throw, so no C++ exception ever unwinds through its frames.
  target_compile_options(sqlite3 PRIVATE -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
                                         -fno-unwind-tables)
endif()
target_link_libraries(sqlite3 PUBLIC Threads::Threads)
if(UNIX AND NOT APPLE)
  target_link_libraries(sqlite3 PUBLIC m)
endif()
