# Included by apps/backend/CMakeLists.txt when WIN32: the Windows implementations behind src/platform/*.hpp.
target_sources(backend_core PRIVATE
  src/platform/alarm_asio.cpp
  src/platform/descriptor_limit_windows.cpp
  src/platform/listen_socket_windows.cpp
  src/platform/parent_watch_windows.cpp
  src/platform/process_io_windows.cpp
  src/platform/shutdown_signals_windows.cpp
  src/platform/stderr_wait_windows.cpp
  src/platform/stdin_reader_windows.cpp
  src/platform/path_text_windows.cpp
  src/platform/thread_priority_windows.cpp
  src/platform/thread_wakeup_windows.cpp)
# Asio's Windows code also refers to BCryptGenRandom (named pipe names); bcrypt.dll is a system DLL.
target_link_libraries(backend_boost PUBLIC bcrypt)
