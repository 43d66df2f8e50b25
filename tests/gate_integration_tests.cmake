# Real-cgroup integration tests: the built spawngate executable runs inside pids cgroups that the
# tests create with libcgroup and fill with real processes. They need root and a writable pids
# hierarchy (v1 pids, or v2 with pids enabled) and skip with the reason elsewhere.

# The cgroup guard is shared with bench/gate_inprocess_bench.cmake, which compiles it directly.
add_library(gate_integration_kit STATIC
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/scoped_pids_cgroup.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/child_processes.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/gate_runner.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/marked_processes.cpp
)
target_include_directories(gate_integration_kit PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration)
target_link_libraries(gate_integration_kit PUBLIC spawngate_flags sysread PkgConfig::LIBCGROUP
                      Threads::Threads)

add_executable(gate_integration_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/gate_check_in_pids_cgroup_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/claude_hook_in_pids_cgroup_test.cpp
)
target_link_libraries(gate_integration_tests PRIVATE gate_integration_kit GTest::gmock
                      GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(gate_integration_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(gate_integration_tests spawngate)
gtest_discover_tests(gate_integration_tests TEST_PREFIX "gate_integration." DISCOVERY_TIMEOUT 60)

# The worker cap and auto-reap at critical, with real worker and stale processes (marked by a
# token in their argv) in real pids cgroups; the reaper's log, lock and state in a temp dir.
add_executable(gate_guard_integration_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/worker_cap_in_pids_cgroup_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_integration/auto_reap_in_pids_cgroup_test.cpp
)
target_link_libraries(gate_guard_integration_tests PRIVATE gate_integration_kit GTest::gmock
                      GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(gate_guard_integration_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(gate_guard_integration_tests spawngate)
gtest_discover_tests(gate_guard_integration_tests TEST_PREFIX "gate_integration."
                     DISCOVERY_TIMEOUT 60)
