// The compiled parts of the header-only Boost libraries, built once here instead of in every file that uses
// them.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
#include <boost/json/src.hpp>

// Boost.URL 1.81's url_base.ipp includes <iostream> without using it. With libstdc++ before GCC 13 that
// header defines a static std::ios_base::Init in this file, whose constructor builds cout/cin/cerr and every
// locale facet: 0.47 MB of the static x86_64 binary (iostreams, locale facets, wide-character and strtold
// code). Defining the header's include guard first makes it empty here; nothing in Boost.URL writes to the
// standard streams. (libc++, and libstdc++ from GCC 13, keep the initialisation in the library, so this is a
// no-op there.)
#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM)
#define _GLIBCXX_IOSTREAM 1
#endif
#include <boost/url/src.hpp>
