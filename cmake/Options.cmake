# Warnings, -Werror in CI, sanitizers and fuzzing. Applied through an
# interface target so generated and third-party code (SYSTEM) is unaffected.
add_library(closbgp_warnings INTERFACE)
target_compile_options(closbgp_warnings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                                  -Wold-style-cast -Wcast-align -Wpedantic)
# GCC 12 reports -Wmaybe-uninitialized inside std::variant's move constructor
# when vectors of variants are built at -O2 (a known false positive of GCC 12,
# e.g. GCC bug 107919). clang-19 in the sanitizer tree, and UBSan/ASan at run
# time, still check for real uses of uninitialised memory.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(closbgp_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
if(DEFINED ENV{CI} AND "$ENV{CI}" STREQUAL "true")
  set(_werror_default ON)
else()
  set(_werror_default OFF)
endif()
option(CLOSBGP_WERROR "Treat warnings as errors (on when CI=true)" ${_werror_default})
if(CLOSBGP_WERROR)
  target_compile_options(closbgp_warnings INTERFACE -Werror)
endif()

option(CLOSBGP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(CLOSBGP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

option(CLOSBGP_FUZZ "Build libFuzzer targets (needs clang)" OFF)
if(CLOSBGP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CLOSBGP_FUZZ needs clang (configure with CXX=clang++-19)")
  endif()
  # Coverage instrumentation for the libraries the targets exercise; the
  # targets themselves link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Debian's hardening (what dpkg-buildflags asks of a package): checked libc
# calls, stack protector, read-only relocations bound at start. For the
# optimised builds without sanitizers; `lintian` checks the package for it.
option(CLOSBGP_HARDEN "Build with FORTIFY_SOURCE, stack protector and full RELRO" ON)
if(CLOSBGP_HARDEN AND NOT CLOSBGP_SANITIZE AND NOT CLOSBGP_FUZZ
   AND CMAKE_BUILD_TYPE MATCHES "^Rel")
  add_compile_definitions(_FORTIFY_SOURCE=2)
  add_compile_options(-fstack-protector-strong)
  add_link_options(-Wl,-z,relro -Wl,-z,now)
endif()
