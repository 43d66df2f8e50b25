# Codex CLI conformance: the real, pinned Codex CLI (tests/conformance/pinned_clis.txt, installed
# by tests/conformance/install_cli.sh into <build>/conformance-cache) end to end against a local
# mock of the OpenAI Responses API, with the shipped hooks/codex/hooks.json (only the binary path
# substituted), inside real pids cgroups. Root, pids cgroups, python3, node and npm with the npm
# registry reachable; skips with the reason elsewhere. See conformance/codex/FINDINGS.md.
add_executable(codex_conformance_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/codex/codex_conformance_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/codex/codex_run.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/codex/recorded_requests.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/codex/spawned_process.cpp
)
target_include_directories(codex_conformance_tests PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/codex)
# gate_integration_kit: the real-cgroup fixture (GateInRealPidsCgroup) and the thread holder.
target_link_libraries(codex_conformance_tests PRIVATE gate_integration_kit spawngate_testkit
                      GTest::gmock GTest::gtest_main nlohmann_json::nlohmann_json spawngate_flags)
target_compile_definitions(codex_conformance_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CONFORMANCE_CACHE_DIR="${CMAKE_BINARY_DIR}/conformance-cache"
    # Run directories live in the build tree, not /tmp: Codex refuses to put its helper
    # binaries under a temporary directory and warns on every start.
    CONFORMANCE_RUNS_DIR="${CMAKE_CURRENT_BINARY_DIR}/conformance-codex-runs")
add_dependencies(codex_conformance_tests spawngate spawnreaper)
# One CLI session per case (a few seconds; the first run may install the CLI: up to 10 min).
gtest_discover_tests(codex_conformance_tests TEST_PREFIX "conformance.codex."
                     DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE LABELS conformance)
