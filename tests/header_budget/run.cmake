# The public header's budget (issue #11): what `#include <skill/skill.hpp>` costs every handler.
# Fails when it reaches a Boost header (Asio, Beast, JSON: the SDK keeps them in its .cpp files)
# or grows past BUDGET preprocessed lines. Prints the figures either way.
file(WRITE ${WORK}/skill_hpp.cpp "#include <skill/skill.hpp>\n")
execute_process(
  COMMAND ${CXX} -std=c++20 -E -H -I${SDK_INCLUDE} -I${BASE_INCLUDE} ${WORK}/skill_hpp.cpp
  OUTPUT_VARIABLE text ERROR_VARIABLE headers RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "preprocessing skill/skill.hpp failed:\n${headers}")
endif()
string(REGEX MATCHALL "\n" newlines "${text}")
list(LENGTH newlines lines)
string(REGEX MATCHALL "[^\n]*/boost/[^\n]*" boost "${headers}")
list(LENGTH boost boost_count)
message(STATUS "skill/skill.hpp: ${lines} preprocessed lines (budget ${BUDGET}), ${boost_count} Boost headers")
if(boost_count GREATER 0)
  list(GET boost 0 first)
  message(FATAL_ERROR "skill/skill.hpp reaches Boost (first: ${first})")
endif()
if(lines GREATER BUDGET)
  message(FATAL_ERROR "skill/skill.hpp is ${lines} preprocessed lines, over its budget of ${BUDGET}")
endif()
