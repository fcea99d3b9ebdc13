# skill_warnings: an interface target every first-party target links privately.
add_library(skill_warnings INTERFACE)
target_compile_options(skill_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 misreports Asio's coroutine-frame allocator (operator new/delete
  # with a size) as mismatched: a known false positive (GCC PR 109224-like).
  target_compile_options(skill_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
if(SKILL_WERROR)
  target_compile_options(skill_warnings INTERFACE -Werror)
endif()
