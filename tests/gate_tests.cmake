# Unit tests for the gate (gate/): settings, verdicts on fixture trees, reports, hook protocol;
# and the built executable run against fixture trees with bad and good input.
add_executable(gate_tests
    gate/decide_test.cpp
    gate/fixture_verdict_test.cpp
    gate/hook_claude_test.cpp
    gate/launch_table_test.cpp
    gate/hook_runner_test.cpp
    gate/context_window_test.cpp
    gate/hook_input_test.cpp
    gate/json_writer_test.cpp
    gate/verdict_report_test.cpp
    gate/settings_test.cpp
)
target_link_libraries(gate_tests PRIVATE spawngate_testkit gate_core nlohmann_json::nlohmann_json
                      GTest::gtest_main)
gtest_discover_tests(gate_tests TEST_PREFIX "gate." DISCOVERY_TIMEOUT 30)

add_executable(gate_cli_tests gate/executable_test.cpp)
target_link_libraries(gate_cli_tests PRIVATE spawngate_testkit gate_core
                      nlohmann_json::nlohmann_json GTest::gtest_main)
# Sanitizer builds link the gate dynamically (see gate/CMakeLists.txt): the static check skips.
target_compile_definitions(gate_cli_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
                           $<$<BOOL:${SPAWNGATE_SANITIZE}>:SPAWNGATE_SANITIZED=1>)
add_dependencies(gate_cli_tests spawngate)
gtest_discover_tests(gate_cli_tests TEST_PREFIX "gate_cli." DISCOVERY_TIMEOUT 30)

# The gate's recent features: reservations, context budget, Gemini and Codex hooks, the reaper's
# heartbeat and Prometheus metrics; unit tests and the built executable on fixture trees.
add_executable(gate_feature_tests
    gate/context_budget_cli_test.cpp
    gate/heartbeat_gate_test.cpp
    gate/hook_gemini_codex_test.cpp
    gate/prometheus_test.cpp
    gate/reservation_ledger_test.cpp
    gate/reservations_cli_test.cpp
    gate/transcript_tail_test.cpp
    gate/setup_test.cpp
)
target_link_libraries(gate_feature_tests PRIVATE spawngate_testkit gate_core
                      nlohmann_json::nlohmann_json GTest::gtest_main)
target_compile_definitions(gate_feature_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(gate_feature_tests spawngate)
gtest_discover_tests(gate_feature_tests TEST_PREFIX "gate_feature." DISCOVERY_TIMEOUT 30)

# The worker cap and auto-reap settings: count_workers on fixture trees, and the built gate's
# usage errors for bad worker patterns and reaper paths.
add_executable(gate_guard_tests
    gate/worker_count_test.cpp
    gate/worker_cap_cli_test.cpp
)
target_link_libraries(gate_guard_tests PRIVATE spawngate_testkit gate_core GTest::gtest_main)
target_compile_definitions(gate_guard_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(gate_guard_tests spawngate)
gtest_discover_tests(gate_guard_tests TEST_PREFIX "gate_guard." DISCOVERY_TIMEOUT 30)
