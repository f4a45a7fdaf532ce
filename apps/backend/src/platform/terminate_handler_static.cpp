// The static binaries' (libstdc++, Linux and MinGW) handler for an uncaught exception. libstdc++'s default
// one demangles the type's name for its message, which links the whole C++ demangler (about 50 KB, a tenth of
// the size budget's margin); main() already catches and reports every exception, so this one only has to end
// the process as the default does.
#include <cstdlib>

namespace __gnu_cxx {

void __verbose_terminate_handler() {
  std::abort();
}

}  // namespace __gnu_cxx
