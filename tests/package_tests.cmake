# The Debian package, installed, upgraded and purged on this machine (package/package_test.sh).
# It runs on the .deb that `./build.sh package` leaves in build/package (CI's package stage);
# without one, or without root, it skips with the reason.
execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE package_arch
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT package_arch)
    set(package_arch amd64)
endif()
add_test(NAME package.install_upgrade_purge
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/package/package_test.sh
                 ${CMAKE_BINARY_DIR}/package/spawngate_${PROJECT_VERSION}_${package_arch}.deb)
set_tests_properties(package.install_upgrade_purge PROPERTIES LABELS package SKIP_RETURN_CODE 77
                     RUN_SERIAL TRUE TIMEOUT 300)

add_test(NAME package.changelog_names_the_project_version
         COMMAND ${CMAKE_COMMAND} -DCHANGELOG=${PROJECT_SOURCE_DIR}/debian/changelog
                 -DVERSION=${PROJECT_VERSION} -P ${CMAKE_CURRENT_SOURCE_DIR}/package/changelog_version.cmake)
set_tests_properties(package.changelog_names_the_project_version PROPERTIES LABELS package)
