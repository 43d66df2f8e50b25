# The shipped integrations in hooks/ and the gate's default config, checked against the built
# executables: every snippet parses and every command in it runs with options that exist.
add_executable(hooks_tests
    hooks/agent_cli_snippets_test.cpp
    hooks/reaper_units_test.cpp
    hooks/scripts_and_config_test.cpp
    hooks/tmpfiles_test.cpp
)
target_include_directories(hooks_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gate)
target_link_libraries(hooks_tests PRIVATE spawngate_testkit gate_core reaper_core nlohmann_json::nlohmann_json
                      GTest::gtest_main)
target_compile_definitions(hooks_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
                           SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
# The reaper's units are checked against its --help when it is built; no build dependency, so a
# reaper in progress never stops these tests from building.
if(TARGET spawnreaper)
    target_compile_definitions(hooks_tests PRIVATE SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>")
endif()
add_dependencies(hooks_tests spawngate)
gtest_discover_tests(hooks_tests TEST_PREFIX "hooks." DISCOVERY_TIMEOUT 30)
