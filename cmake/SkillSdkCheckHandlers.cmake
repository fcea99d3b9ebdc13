# skill_check_handlers(<target>): before <target> compiles, reject the two co_await forms
# that GCC 12.2 (Debian 12's compiler) gets wrong (docs/handlers.md, "GCC 12 and coroutines"):
#
#   (a) co_await (flag ? a(ctx) : b(ctx));        the temporaries are destroyed twice: a double
#                                                 free that kills the skill after it answered
#   (b) co_await f({{"name", n}});                "array used as initializer", reported at the
#       co_await f(std::string{"x"}, ...);        handler's closing brace; or destroyed twice
#
# Each finding is printed as `file:line:column: error: ...` and fails the build. Write instead:
#
#   auto task = flag ? a(ctx) : b(ctx);  co_await std::move(task);
#   skill::Document data{{"name", n}};  co_await ctx.persistence().set(std::move(data));
#
# The check reads the target's C++ sources (comments and string literals ignored) with CMake's
# own regular expressions, in a `cmake -P` step. -DSKILL_CHECK_HANDLERS=OFF turns it off.
#
# Run directly:  cmake -P SkillSdkCheckHandlers.cmake -- FILE...   (exit status 1 on a finding)

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  # --- script mode: check the files named after `--` ---------------------------------------
  cmake_minimum_required(VERSION 3.25)

  # The text with comments and literals blanked out, newlines kept (so positions map to lines).
  function(_skill_strip_cxx text out)
    set(result "")
    set(rest "${text}")
    while(NOT rest STREQUAL "")
      if(rest MATCHES "^[^\"'/]+")                        # ordinary code
        set(chunk "${CMAKE_MATCH_0}")
        string(APPEND result "${chunk}")
        string(LENGTH "${chunk}" n)
        string(SUBSTRING "${rest}" ${n} -1 rest)
        # R"delim( ... )delim": a raw string (prefix ends the chunk just copied).
        if(chunk MATCHES "(^|[^A-Za-z0-9_])(u8|u|U|L)?R$" AND rest MATCHES "^\"([^(\\\" ]*)\\(")
          set(close ")${CMAKE_MATCH_1}\"")
          string(FIND "${rest}" "${close}" end)
          if(end EQUAL -1)
            break()
          endif()
          string(SUBSTRING "${rest}" 0 ${end} body)
          string(REGEX REPLACE "[^\n]" "" body "${body}")
          string(APPEND result "\"\"${body}")
          string(LENGTH "${close}" n)
          math(EXPR end "${end} + ${n}")
          string(SUBSTRING "${rest}" ${end} -1 rest)
        endif()
      elseif(rest MATCHES "^\"([^\"\\\\\n]|\\\\.)*\"")    # "string"
        string(APPEND result "\"\"")
        string(LENGTH "${CMAKE_MATCH_0}" n)
        string(SUBSTRING "${rest}" ${n} -1 rest)
      elseif(rest MATCHES "^'([^'\\\\\n]|\\\\.)*'")       # 'c' (and 1'000 digit separators)
        string(APPEND result "0")
        string(LENGTH "${CMAKE_MATCH_0}" n)
        string(SUBSTRING "${rest}" ${n} -1 rest)
      elseif(rest MATCHES "^//[^\n]*")                    # // comment
        string(LENGTH "${CMAKE_MATCH_0}" n)
        string(SUBSTRING "${rest}" ${n} -1 rest)
      elseif(rest MATCHES "^/\\*")                        # /* comment */
        string(FIND "${rest}" "*/" end)
        if(end EQUAL -1)
          break()
        endif()
        string(SUBSTRING "${rest}" 0 ${end} body)
        string(REGEX REPLACE "[^\n]" "" body "${body}")
        string(APPEND result " ${body}")
        math(EXPR end "${end} + 2")
        string(SUBSTRING "${rest}" ${end} -1 rest)
      else()                                              # a lone / or an unterminated quote
        string(SUBSTRING "${rest}" 0 1 c)
        string(APPEND result "${c}")
        string(SUBSTRING "${rest}" 1 -1 rest)
      endif()
    endwhile()
    set(${out} "${result}" PARENT_SCOPE)
  endfunction()

  # The operand of the co_await starting at `start`: up to the first ; , ? ) ] } or lone :
  # outside brackets. Sets <prefix>_ternary (a parenthesised operand with a top-level ?...:)
  # and <prefix>_braced (a { inside the parentheses of a call, not a lambda's body).
  function(_skill_scan_operand text start prefix)
    string(LENGTH "${text}" len)
    set(i ${start})
    set(depth 0)          # (), [], {} nesting inside the operand
    set(paren_depth 0)    # () nesting only: > 0 means inside a call's arguments
    set(first "")         # first non-blank character of the operand
    set(group_end -1)     # where the leading parenthesised group closes
    set(question OFF)
    set(ternary OFF)
    set(braced OFF)
    set(prev "")          # last non-blank character before the current one
    set(word "")          # the identifier that ends just before the current character
    set(gap OFF)          # blanks between the previous character and the current one
    while(i LESS len)
      string(SUBSTRING "${text}" ${i} 1 c)
      math(EXPR i "${i} + 1")
      if(c MATCHES "[ \t\r\n]")
        set(gap ON)
        continue()
      endif()
      if(first STREQUAL "")
        set(first "${c}")
      endif()
      if(c STREQUAL "(" OR c STREQUAL "[" OR c STREQUAL "{")
        if(c STREQUAL "{" AND paren_depth GREATER 0 AND NOT prev MATCHES "^[])]$"
           AND NOT word MATCHES "^(mutable|noexcept|constexpr|consteval)$")
          set(braced ON)
        endif()
        math(EXPR depth "${depth} + 1")
        if(c STREQUAL "(")
          math(EXPR paren_depth "${paren_depth} + 1")
        endif()
      elseif(c STREQUAL ")" OR c STREQUAL "]" OR c STREQUAL "}")
        if(depth EQUAL 0)
          break()
        endif()
        math(EXPR depth "${depth} - 1")
        if(c STREQUAL ")")
          math(EXPR paren_depth "${paren_depth} - 1")
        endif()
        if(depth EQUAL 0 AND first STREQUAL "(" AND group_end EQUAL -1)
          set(group_end ${i})
        endif()
      elseif(depth EQUAL 0 AND (c STREQUAL ";" OR c STREQUAL "," OR c STREQUAL "?"))
        break()
      elseif(c STREQUAL ":")
        string(SUBSTRING "${text}" ${i} 1 next)
        if(next STREQUAL ":" OR prev STREQUAL ":")
          # ::
        elseif(depth EQUAL 0)
          break()
        elseif(depth EQUAL 1 AND first STREQUAL "(" AND group_end EQUAL -1 AND question)
          set(ternary ON)
        endif()
      elseif(c STREQUAL "?" AND depth EQUAL 1 AND first STREQUAL "(" AND group_end EQUAL -1)
        set(question ON)
      endif()
      if(c MATCHES "[A-Za-z0-9_]")
        if(prev MATCHES "[A-Za-z0-9_]" AND NOT gap)
          string(APPEND word "${c}")
        else()
          set(word "${c}")
        endif()
      else()
        set(word "")
      endif()
      set(prev "${c}")
      set(gap OFF)
    endwhile()
    set(${prefix}_ternary ${ternary} PARENT_SCOPE)
    set(${prefix}_braced ${braced} PARENT_SCOPE)
  endfunction()

  set(files "")
  set(after_dashes OFF)
  math(EXPR last "${CMAKE_ARGC} - 1")
  foreach(k RANGE ${last})
    if(after_dashes)
      list(APPEND files "${CMAKE_ARGV${k}}")
    elseif(CMAKE_ARGV${k} STREQUAL "--")
      set(after_dashes ON)
    endif()
  endforeach()

  set(findings 0)
  foreach(file IN LISTS files)
    if(NOT EXISTS "${file}")
      continue()
    endif()
    file(READ "${file}" text)
    if(NOT text MATCHES "co_await")
      continue()
    endif()
    _skill_strip_cxx("${text}" code)
    set(from 0)
    while(TRUE)
      string(SUBSTRING "${code}" ${from} -1 tail)
      string(FIND "${tail}" "co_await" at)
      if(at EQUAL -1)
        break()
      endif()
      math(EXPR pos "${from} + ${at}")
      math(EXPR from "${pos} + 8")
      # A whole token: no identifier character on either side.
      string(SUBSTRING "${code}" ${from} 1 after)
      set(before "")
      if(pos GREATER 0)
        math(EXPR p "${pos} - 1")
        string(SUBSTRING "${code}" ${p} 1 before)
      endif()
      if(after MATCHES "[A-Za-z0-9_]" OR before MATCHES "[A-Za-z0-9_]")
        continue()
      endif()
      _skill_scan_operand("${code}" ${from} op)
      if(NOT op_ternary AND NOT op_braced)
        continue()
      endif()
      string(SUBSTRING "${code}" 0 ${pos} head)
      string(REGEX REPLACE "[^\n]" "" newlines "${head}")
      string(LENGTH "${newlines}" line)
      math(EXPR line "${line} + 1")
      string(REGEX REPLACE ".*\n" "" column "${head}")
      string(LENGTH "${column}" column)
      math(EXPR column "${column} + 1")
      if(op_ternary)
        message(NOTICE "${file}:${line}:${column}: error: co_await of a conditional expression "
                       "(co_await (c ? a(ctx) : b(ctx))): GCC 12 destroys its temporaries twice "
                       "(double free). Name it first: auto task = c ? a(ctx) : b(ctx); "
                       "co_await std::move(task);")
      else()
        message(NOTICE "${file}:${line}:${column}: error: braced initializer inside a co_await "
                       "call (co_await f({...})): GCC 12 rejects it (\"array used as "
                       "initializer\") or destroys it twice. Name it first: "
                       "skill::Document data{...}; co_await f(std::move(data));")
      endif()
      math(EXPR findings "${findings} + 1")
    endwhile()
  endforeach()
  if(findings GREATER 0)
    message(FATAL_ERROR "skill_check_handlers: ${findings} co_await form(s) that GCC 12 "
                        "miscompiles (see the SDK's docs/handlers.md, \"GCC 12 and coroutines\"); "
                        "-DSKILL_CHECK_HANDLERS=OFF skips this check")
  endif()
  return()
endif()

# --- include mode: the function ----------------------------------------------------------
function(skill_check_handlers target)
  if(DEFINED SKILL_CHECK_HANDLERS AND NOT SKILL_CHECK_HANDLERS)
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(files "")
  foreach(source IN LISTS sources)
    if(source MATCHES "\\$<" OR NOT source MATCHES "\\.(c\\+\\+|cc|cpp|cxx|h|hh|hpp|hxx|ipp|inl)$")
      continue()
    endif()
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${source_dir}" NORMALIZE OUTPUT_VARIABLE file)
    list(APPEND files "${file}")
  endforeach()
  if(NOT files)
    return()
  endif()
  # This very file, run with -P.
  set(script "${CMAKE_CURRENT_FUNCTION_LIST_FILE}")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}_check_handlers.stamp")
  add_custom_command(OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -P "${script}" -- ${files}
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${files} "${script}"
    COMMENT "Checking the co_await forms in ${target} (GCC 12)"
    VERBATIM)
  add_custom_target(${target}_check_handlers DEPENDS "${stamp}")
  add_dependencies(${target} ${target}_check_handlers)
endfunction()
