# skill_add_translations(<target> DOMAIN <domain> PO_FILES <lang>.po... [OUTPUT_DIR <dir>]
#                        [INSTALL_DESTINATION <dir>])
#
# The skill's gettext catalogs (docs/localisation.md), compiled at build time:
#   - each <lang>.po (de.po, de_AT.po, pt_BR.po: the file's name is the locale) is checked
#     and compiled by msgfmt into <OUTPUT_DIR>/<lang>/LC_MESSAGES/<domain>.mo; OUTPUT_DIR
#     defaults to ${CMAKE_CURRENT_BINARY_DIR}/locale, "locale next to the binary", where the
#     runtime looks first when [i18n] dir is not set;
#   - the keys the sources of <target> use are extracted by xgettext (keywords tr:1 and
#     tr_n:1,2: ctx.tr("KEY", ...), ctx.tr_n("KEY", "KEY_PLURAL", n, ...)) into
#     ${CMAKE_CURRENT_BINARY_DIR}/<domain>.pot, the template a translator starts a new .po from
#     and what skill::testing::translation_problems() checks the catalogs against;
#   - with INSTALL_DESTINATION (e.g. ${CMAKE_INSTALL_DATADIR}/locale, the runtime's second
#     place: <exe dir>/../share/locale) the catalogs are installed there.
# <target> gets the properties SKILL_LOCALE_DIR, SKILL_POT_FILE, SKILL_PO_FILES, SKILL_PO_DIR and
# SKILL_TRANSLATION_DOMAIN, for tests:
#   target_compile_definitions(my-tests PRIVATE
#     LOCALE_DIR="$<TARGET_PROPERTY:my_handlers,SKILL_LOCALE_DIR>")
# Needs msgfmt and xgettext (Debian: gettext).

function(skill_add_translations target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DOMAIN;OUTPUT_DIR;INSTALL_DESTINATION" "PO_FILES")
  if(NOT arg_DOMAIN)
    message(FATAL_ERROR "skill_add_translations(${target}): DOMAIN <name> is required")
  endif()
  if(NOT arg_PO_FILES)
    message(FATAL_ERROR "skill_add_translations(${target}): PO_FILES <lang>.po... is required")
  endif()
  if(NOT arg_OUTPUT_DIR)
    set(arg_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/locale)
  endif()
  find_program(SKILL_MSGFMT msgfmt REQUIRED)
  find_program(SKILL_XGETTEXT xgettext REQUIRED)

  set(outputs "")
  set(po_paths "")
  list(GET arg_PO_FILES 0 first_po)
  get_filename_component(po_dir ${first_po} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
  get_filename_component(po_dir ${po_dir} DIRECTORY)
  foreach(po IN LISTS arg_PO_FILES)
    get_filename_component(po_path ${po} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    get_filename_component(lang ${po} NAME_WE)
    if(NOT lang MATCHES "^[a-z][a-z][a-z]?(_([A-Z][A-Z]|[0-9][0-9][0-9]))?$")
      message(FATAL_ERROR "skill_add_translations(${target}): ${po}: name it <lang>.po or "
                          "<lang>_<REGION>.po (de.po, de_AT.po)")
    endif()
    set(mo ${arg_OUTPUT_DIR}/${lang}/LC_MESSAGES/${arg_DOMAIN}.mo)
    # --check: header, format and plural-forms errors fail the build, not the skill.
    add_custom_command(OUTPUT ${mo}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${arg_OUTPUT_DIR}/${lang}/LC_MESSAGES
      COMMAND ${SKILL_MSGFMT} --check-header --check-domain -o ${mo} ${po_path}
      DEPENDS ${po_path}
      COMMENT "msgfmt ${lang}/LC_MESSAGES/${arg_DOMAIN}.mo"
      VERBATIM)
    list(APPEND outputs ${mo})
    list(APPEND po_paths ${po_path})
  endforeach()

  set(pot ${CMAKE_CURRENT_BINARY_DIR}/${arg_DOMAIN}.pot)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(source_paths "")
  foreach(s IN LISTS sources)
    if(s MATCHES "\\.(c|cc|cpp|cxx|h|hh|hpp|hxx)$")
      get_filename_component(p ${s} ABSOLUTE BASE_DIR ${source_dir})
      list(APPEND source_paths ${p})
    endif()
  endforeach()
  add_custom_command(OUTPUT ${pot}
    COMMAND ${SKILL_XGETTEXT} --language=C++ --from-code=UTF-8 --keyword --keyword=tr:1
            --keyword=tr_n:1,2 --no-location --sort-output --omit-header --force-po -o ${pot}
            ${source_paths}
    DEPENDS ${source_paths}
    COMMENT "xgettext ${arg_DOMAIN}.pot"
    VERBATIM)
  list(APPEND outputs ${pot})

  add_custom_target(${target}_translations ALL DEPENDS ${outputs})
  add_dependencies(${target} ${target}_translations)
  set_target_properties(${target} PROPERTIES
    SKILL_LOCALE_DIR ${arg_OUTPUT_DIR}
    SKILL_POT_FILE ${pot}
    SKILL_PO_FILES "${po_paths}"
    SKILL_PO_DIR ${po_dir}
    SKILL_TRANSLATION_DOMAIN ${arg_DOMAIN})
  if(arg_INSTALL_DESTINATION)
    install(DIRECTORY ${arg_OUTPUT_DIR}/ DESTINATION ${arg_INSTALL_DESTINATION})
  endif()
endfunction()
