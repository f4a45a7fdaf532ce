// console_event_probe.exe <backend.exe> <c|break|close>
//
// Sends the backend a console control event the way Windows' console does it, and checks the graceful exit:
// starts the backend with piped stdio, waits for its port line, then runs kernelbase's CtrlRoutine in the
// backend's process (CreateRemoteThread) with CTRL_C_EVENT, CTRL_BREAK_EVENT or CTRL_CLOSE_EVENT. This works
// without a console window, so also under wine with no display, where GenerateConsoleCtrlEvent cannot.
// Passes (exit code 0) when the backend logs "shutdown: <event name>" and exits with code 0 within 10 s.
#include <windows.h>

#include <cstdio>
#include <string>

namespace {

struct Pipe {
  HANDLE read = nullptr;
  HANDLE write = nullptr;
};

// A pipe whose `child_end` end (the read end for stdin, the write end otherwise) the child inherits.
Pipe make_pipe(bool child_reads) {
  SECURITY_ATTRIBUTES inherit{sizeof inherit, nullptr, TRUE};
  Pipe pipe;
  ::CreatePipe(&pipe.read, &pipe.write, &inherit, 1 << 16);
  ::SetHandleInformation(child_reads ? pipe.write : pipe.read, HANDLE_FLAG_INHERIT, 0);
  return pipe;
}

int fail(const char* what) {
  std::fprintf(stderr, "FAIL: %s (error %lu)\n", what, ::GetLastError());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: console_event_probe <backend.exe> <c|break|close>\n");
    return 2;
  }
  const std::string event = argv[2];
  DWORD type;
  const char* name;
  if (event == "c") {
    type = CTRL_C_EVENT, name = "CTRL_C_EVENT";
  } else if (event == "break") {
    type = CTRL_BREAK_EVENT, name = "CTRL_BREAK_EVENT";
  } else if (event == "close") {
    type = CTRL_CLOSE_EVENT, name = "CTRL_CLOSE_EVENT";
  } else {
    return fail("unknown event");
  }

  Pipe in = make_pipe(true), out = make_pipe(false), err = make_pipe(false);
  STARTUPINFOA startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = in.read;
  startup.hStdOutput = out.write;
  startup.hStdError = err.write;
  PROCESS_INFORMATION process{};
  std::string command = std::string("\"") + argv[1] + "\"";
  if (!::CreateProcessA(nullptr, command.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup,
                        &process))
    return fail("cannot start the backend");
  ::CloseHandle(in.read);
  ::CloseHandle(out.write);
  ::CloseHandle(err.write);

  char buffer[512];
  DWORD n = 0;
  std::string port_line;
  while (port_line.find('\n') == std::string::npos &&
         ::ReadFile(out.read, buffer, sizeof buffer, &n, nullptr) && n)
    port_line.append(buffer, n);
  std::fprintf(stderr, "port line: %s", port_line.c_str());
  if (port_line.rfind("BACKEND_PORT:", 0) != 0) {
    ::TerminateProcess(process.hProcess, 99);
    return fail("no port line");
  }

  // What the console does on Windows: a new thread in the target process, running CtrlRoutine(event).
  HMODULE kernelbase = ::GetModuleHandleA("kernelbase.dll");
  auto routine = reinterpret_cast<LPTHREAD_START_ROUTINE>(
      reinterpret_cast<void*>(::GetProcAddress(kernelbase, "CtrlRoutine")));
  if (routine == nullptr) {
    ::TerminateProcess(process.hProcess, 99);
    return fail("kernelbase!CtrlRoutine not found");
  }
  HANDLE thread = ::CreateRemoteThread(process.hProcess, nullptr, 0, routine,
                                       reinterpret_cast<void*>(static_cast<ULONG_PTR>(type)), 0, nullptr);
  if (thread == nullptr) {
    ::TerminateProcess(process.hProcess, 99);
    return fail("CreateRemoteThread");
  }
  ::CloseHandle(thread);

  DWORD waited = ::WaitForSingleObject(process.hProcess, 10000);
  if (waited != WAIT_OBJECT_0) ::TerminateProcess(process.hProcess, 99);
  DWORD code = 99;
  ::GetExitCodeProcess(process.hProcess, &code);
  std::string log;
  while (::ReadFile(err.read, buffer, sizeof buffer, &n, nullptr) && n)
    log.append(buffer, n);
  std::fprintf(stderr, "--- backend stderr ---\n%s----------------------\n", log.c_str());

  if (waited != WAIT_OBJECT_0) return fail("the backend was still running 10 s after the event");
  if (log.find(std::string("shutdown: ") + name) == std::string::npos)
    return fail("no graceful shutdown logged");
  if (code != 0) {
    std::fprintf(stderr, "FAIL: exit code %lu, not 0\n", code);
    return 1;
  }
  std::fprintf(stderr, "ok: %s -> graceful shutdown, exit code 0\n", name);
  return 0;
}
