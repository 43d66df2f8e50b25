# The documentation held to the built commands (ctest -L docs): the man pages (man/*.scd.in)
# against each command's --help and the config parsers, both ways, and the bash completion
# (hooks/bash-completion/) run in a bash without bash-completion's helpers.
add_executable(docs_tests
    docs/doc_text.cpp
    docs/man_pages_test.cpp
    docs/gate_config_page_test.cpp
    docs/reaper_config_page_test.cpp
    docs/completion_test.cpp
)
target_include_directories(docs_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/docs)
target_link_libraries(docs_tests PRIVATE spawngate_testkit gate_core reaper_core GTest::gtest_main)
if(TARGET man_pages)
    set(docs_man_build_dir ${PROJECT_BINARY_DIR}/man)
else()
    set(docs_man_build_dir "")
endif()
target_compile_definitions(docs_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SPAWNGATE_MAN_BUILD_DIR="${docs_man_build_dir}"
    SPAWNGATE_PROJECT_VERSION="${PROJECT_VERSION}")
add_dependencies(docs_tests spawngate spawnreaper)
if(TARGET man_pages)
    add_dependencies(docs_tests man_pages)
endif()
gtest_discover_tests(docs_tests TEST_PREFIX "docs." PROPERTIES LABELS docs DISCOVERY_TIMEOUT 30)
