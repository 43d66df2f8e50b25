# cmake -DCHANGELOG=debian/changelog -DVERSION=x.y.z -P changelog_version.cmake
# The package's version is the CMake project version: the newest debian/changelog entry must name
# it (debian/rules refuses to build otherwise; this says so at `./build.sh test` time already).
file(STRINGS "${CHANGELOG}" first_line LIMIT_COUNT 1)
if(NOT first_line MATCHES "^spawngate \\(([^)]+)\\)")
    message(FATAL_ERROR "${CHANGELOG}: the first line is not a spawngate entry: '${first_line}'")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL VERSION)
    message(FATAL_ERROR "debian/changelog names ${CMAKE_MATCH_1} but CMakeLists.txt says ${VERSION}: "
                        "add a changelog entry (dch -v ${VERSION})")
endif()
message(STATUS "debian/changelog and CMakeLists.txt both say ${VERSION}")
