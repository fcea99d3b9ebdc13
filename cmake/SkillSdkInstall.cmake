# The SDK as a package (docs/tools.md): `cmake --install` puts headers, libraries, the
# tools and a CMake package in place, so that a skill elsewhere writes
#
#   find_package(SkillSdk CONFIG REQUIRED)
#   target_link_libraries(my-skill PRIVATE skill::main skill::framework)
#   target_link_libraries(my-tests PRIVATE skill::testing skill::testing_main)
#   skill_check_handlers(my-skill)     # GCC 12's co_await traps (cmake/SkillSdkCheckHandlers.cmake)
#   skill_add_translations(my-skill DOMAIN my-skill PO_FILES po/de.po po/en.po)  # gettext catalogs
#
# Every library the framework links (even privately: static libraries carry their link
# dependencies) is exported under the skill:: namespace.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_skill_pkg_dir ${CMAKE_INSTALL_LIBDIR}/cmake/SkillSdk)

set_target_properties(skill_warnings PROPERTIES EXPORT_NAME warnings)
set_target_properties(skill_base PROPERTIES EXPORT_NAME base)
set_target_properties(skill_asio PROPERTIES EXPORT_NAME asio)
set_target_properties(skill_net PROPERTIES EXPORT_NAME net)
set_target_properties(skill_sdk PROPERTIES EXPORT_NAME sdk)
set_target_properties(skill_persistence PROPERTIES EXPORT_NAME persistence)
set_target_properties(skill_partner PROPERTIES EXPORT_NAME partner)
set_target_properties(skill_framework PROPERTIES EXPORT_NAME framework)
set_target_properties(skill_main PROPERTIES EXPORT_NAME main)

install(TARGETS skill_warnings skill_base skill_asio skill_net skill_sdk skill_persistence skill_partner skill_framework
                skill_main skill_testing skill_testing_main
  EXPORT SkillSdkTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  # skill::main stays an OBJECT library: its main() is linked into every skill executable.
  OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/skill-sdk/objects
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The public API only: what a handler, a main() and a test include. Internal headers (net,
# the service clients, base/internal, runtime/src) stay in the source tree; the libraries
# that use them are compiled already.
install(DIRECTORY
    ${PROJECT_SOURCE_DIR}/framework/base/include/
    ${PROJECT_SOURCE_DIR}/framework/sdk/include/
    ${PROJECT_SOURCE_DIR}/framework/runtime/include/
    ${PROJECT_SOURCE_DIR}/testing/include/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp")

# Executables: the stub (PersistenceStub runs it), skill-invoke, the reference skill.
install(TARGETS persistence-stub skill-invoke hello-skill RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/new-skill.sh
  DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME skill-new)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tools/templates/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/skill-sdk/templates)
install(FILES ${PROJECT_SOURCE_DIR}/config/skill.conf
  DESTINATION ${CMAKE_INSTALL_DATADIR}/skill-sdk)

install(EXPORT SkillSdkTargets NAMESPACE skill:: DESTINATION ${_skill_pkg_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/SkillSdkConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SkillSdkConfig.cmake
  INSTALL_DESTINATION ${_skill_pkg_dir}
  PATH_VARS CMAKE_INSTALL_BINDIR CMAKE_INSTALL_DATADIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SkillSdkConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/SkillSdkConfig.cmake
              ${PROJECT_BINARY_DIR}/SkillSdkConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/SkillSdkCheckHandlers.cmake
              ${PROJECT_SOURCE_DIR}/cmake/SkillSdkTranslations.cmake
  DESTINATION ${_skill_pkg_dir})
