# Sanitizer and fuzzing builds (docs/operations.md, "Proving it").
#
#   -DSKILL_SANITIZE=address,undefined   every target of this project (libraries, skills,
#                                        services, tests) compiles and links with these
#                                        sanitizers; UB aborts instead of only printing.
#   -DSKILL_FUZZ=ON                      clang only: first-party code gets libFuzzer coverage
#                                        plus ASan+UBSan; tests/fuzz targets link libFuzzer.
#
# Both are directory-wide (add_compile_options before add_subdirectory) on purpose: a
# library left uninstrumented hides exactly the bugs these builds are for. Third-party
# code comes precompiled from Debian and stays uninstrumented.
set(SKILL_SANITIZE "" CACHE STRING "Sanitizers for all targets, e.g. address,undefined")
option(SKILL_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)

set(_skill_sanitizers "${SKILL_SANITIZE}")
if(SKILL_FUZZ)
  # clang 14 lacks __builtin_source_location (libstdc++'s std::source_location) and
  # miscompiles -fsanitize=function on coroutines: Debian's clang-16 is the one to use.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 15)
    message(FATAL_ERROR "SKILL_FUZZ needs clang++ 15 or later (e.g. -DCMAKE_CXX_COMPILER=clang++-16)")
  endif()
  # fuzzer-no-link: coverage instrumentation everywhere, libFuzzer's main() only in the
  # fuzz targets (tests/fuzz/CMakeLists.txt adds -fsanitize=fuzzer to their link).
  set(_skill_sanitizers "fuzzer-no-link,address,undefined")
endif()

if(_skill_sanitizers)
  set(_skill_san_flags -fsanitize=${_skill_sanitizers} -fno-omit-frame-pointer)
  if(_skill_sanitizers MATCHES "undefined")
    # A UBSan report must fail the run, not scroll past in a log.
    list(APPEND _skill_san_flags -fno-sanitize-recover=undefined)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's -Wmaybe-uninitialized misfires on sanitizer-instrumented code (libstdc++'s
    # std::function inside <regex>); the uninstrumented build keeps the warning.
    list(APPEND _skill_san_flags -Wno-maybe-uninitialized)
  endif()
  add_compile_options(${_skill_san_flags})
  string(REPLACE "fuzzer-no-link," "" _skill_san_link "${_skill_sanitizers}")
  add_link_options(-fsanitize=${_skill_san_link})
  message(STATUS "Sanitizers: ${_skill_sanitizers}")
endif()
