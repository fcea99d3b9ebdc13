# The check_handlers test (CMakeLists.txt). -DSCRIPT, -DFIXTURES, -DWORK, -DCXX.
cmake_minimum_required(VERSION 3.25)
set(failures 0)

# expect(<rc>|FAIL COMMAND <command>... [MATCHES <regex>...] [NOT_MATCHES <regex>...])
function(expect want)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "COMMAND;MATCHES;NOT_MATCHES")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(ok ON)
  if(want STREQUAL "FAIL" AND rc EQUAL 0 OR NOT want STREQUAL "FAIL" AND NOT rc EQUAL want)
    message(NOTICE "FAIL: exit ${rc}, expected ${want}: ${arg_COMMAND}")
    set(ok OFF)
  endif()
  foreach(re IN LISTS arg_MATCHES)
    if(NOT out MATCHES "${re}")
      message(NOTICE "FAIL: no match for '${re}': ${arg_COMMAND}")
      set(ok OFF)
    endif()
  endforeach()
  foreach(re IN LISTS arg_NOT_MATCHES)
    if(out MATCHES "${re}")
      message(NOTICE "FAIL: unexpected match for '${re}': ${arg_COMMAND}")
      set(ok OFF)
    endif()
  endforeach()
  if(NOT ok)
    message(NOTICE "--- output:\n${out}---")
    math(EXPR f "${failures} + 1")
    set(failures ${f} PARENT_SCOPE)
  endif()
endfunction()

set(check ${CMAKE_COMMAND} -P ${SCRIPT} --)

expect(0 COMMAND ${check} ${FIXTURES}/good.cpp NOT_MATCHES "error")
expect(1 COMMAND ${check} ${FIXTURES}/bad_ternary.cpp
  MATCHES "bad_ternary\\.cpp:9:15: error: co_await of a conditional expression"
          "1 co_await form")
expect(1 COMMAND ${check} ${FIXTURES}/bad_braced.cpp
  MATCHES "bad_braced\\.cpp:6:5: error: braced initializer inside a co_await call"
          "bad_braced\\.cpp:7:19: error: braced initializer"
          "bad_braced\\.cpp:9:5: error: braced initializer"
          "3 co_await form")
# Several files at once: the good one adds nothing.
expect(1 COMMAND ${check} ${FIXTURES}/good.cpp ${FIXTURES}/bad_ternary.cpp ${FIXTURES}/bad_braced.cpp
  MATCHES "4 co_await form" NOT_MATCHES "good\\.cpp:")

# skill_check_handlers(<target>) in a project: the build stops at the check, before GCC 12
# could report "array used as initializer" at the handler's closing brace.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/src)
file(COPY ${FIXTURES}/bad_braced.cpp DESTINATION ${WORK}/src)
file(WRITE ${WORK}/src/CMakeLists.txt "
cmake_minimum_required(VERSION 3.25)
project(check_fixture LANGUAGES CXX)
include(${SCRIPT})
add_library(handlers OBJECT bad_braced.cpp)
skill_check_handlers(handlers)
")
expect(0 COMMAND ${CMAKE_COMMAND} -S ${WORK}/src -B ${WORK}/build -DCMAKE_CXX_COMPILER=${CXX})
expect(FAIL COMMAND ${CMAKE_COMMAND} --build ${WORK}/build
  MATCHES "bad_braced\\.cpp:6:5: error: braced initializer"
  NOT_MATCHES "Building CXX object")
# -DSKILL_CHECK_HANDLERS=OFF: no check, the compiler runs (and fails: no SDK headers here).
expect(0 COMMAND ${CMAKE_COMMAND} -S ${WORK}/src -B ${WORK}/off -DCMAKE_CXX_COMPILER=${CXX}
                 -DSKILL_CHECK_HANDLERS=OFF)
expect(FAIL COMMAND ${CMAKE_COMMAND} --build ${WORK}/off
  MATCHES "Building CXX object" NOT_MATCHES "braced initializer inside")

if(failures GREATER 0)
  message(FATAL_ERROR "check_handlers: ${failures} failure(s)")
endif()
message(STATUS "check_handlers: ok")
