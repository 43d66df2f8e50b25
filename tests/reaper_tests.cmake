# spawnreaper: parsers on fixture trees, pure decisions, config rejection, and the real-process
# scenario that runs the built spawnreaper binary (root only; skips with a reason elsewhere).
add_executable(reaper_tests
    reaper/proc_readers_test.cpp
    reaper/heartbeat_test.cpp
    reaper/column_text_test.cpp
    reaper/match_report_test.cpp
    reaper/process_snapshot_test.cpp
    reaper/reap_config_test.cpp
    reaper/reap_cycle_test.cpp
    reaper/reap_decide_test.cpp
    reaper/reap_metrics_test.cpp
    reaper/respawn_guard_test.cpp
    reaper/rule_listing_test.cpp
    reaper/program_name_test.cpp
    reaper/tree_sweep_test.cpp
)
target_link_libraries(reaper_tests PRIVATE reaper_core spawngate_testkit GTest::gtest_main spawngate_flags)
gtest_discover_tests(reaper_tests TEST_PREFIX "reaper." DISCOVERY_TIMEOUT 30)

add_executable(reaper_integration_tests
    reaper/real_process.cpp
    reaper/reaper_integration_test.cpp
    reaper/reaper_tree_test.cpp
)
target_link_libraries(reaper_integration_tests PRIVATE reaper_core spawngate_testkit GTest::gtest_main
                      spawngate_flags)
target_compile_definitions(reaper_integration_tests PRIVATE
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SPAWNREAPER_VERSION="${PROJECT_VERSION}")
add_dependencies(reaper_integration_tests spawnreaper)
gtest_discover_tests(reaper_integration_tests TEST_PREFIX "reaper.integration." DISCOVERY_TIMEOUT 30
                     PROPERTIES TIMEOUT 120)
