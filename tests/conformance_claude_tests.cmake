# Conformance with the real Claude Code CLI: the version pinned in conformance/pinned_clis.txt,
# installed by conformance/install_cli.sh into the build tree's conformance-cache (once), runs
# headless against conformance/claude/mock_anthropic.py with the shipped hook snippet, inside
# real pids cgroups made with libcgroup (the gate_integration kit). Needs root, a writable pids
# hierarchy, python3, node and npm and the npm registry (or a filled cache); skips with the
# reason elsewhere. The first test installs the CLI, hence the long timeout.
if(TARGET gate_integration_kit)
    add_executable(conformance_claude_tests
        ${CMAKE_CURRENT_SOURCE_DIR}/conformance/claude/claude_session.cpp
        ${CMAKE_CURRENT_SOURCE_DIR}/conformance/claude/session_record.cpp
        ${CMAKE_CURRENT_SOURCE_DIR}/conformance/claude/claude_conformance_test.cpp
    )
    target_include_directories(conformance_claude_tests PRIVATE
                               ${CMAKE_CURRENT_SOURCE_DIR}/conformance/claude)
    target_link_libraries(conformance_claude_tests PRIVATE gate_integration_kit spawngate_testkit
                          GTest::gmock GTest::gtest_main nlohmann_json::nlohmann_json)
    target_compile_definitions(conformance_claude_tests PRIVATE
        SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
        SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
        SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        CONFORMANCE_CACHE_DIR="${CMAKE_BINARY_DIR}/conformance-cache")
    add_dependencies(conformance_claude_tests spawngate spawnreaper)
    gtest_discover_tests(conformance_claude_tests TEST_PREFIX "conformance.claude."
                         DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE LABELS conformance)
endif()
