# The 200/200 incident replayed with real cgroups and processes (issue 4): root only, skips with
# the reason elsewhere. Reuses the gate integration tests' cgroup and process helpers.
add_executable(incident_replay_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/incident/burst_agents.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/incident/incident_replay_test.cpp
)
target_include_directories(incident_replay_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/incident)
target_link_libraries(incident_replay_tests PRIVATE gate_integration_kit sysread GTest::gtest_main
                      Threads::Threads)
target_compile_definitions(incident_replay_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(incident_replay_tests spawngate)
gtest_discover_tests(incident_replay_tests TEST_PREFIX "incident." DISCOVERY_TIMEOUT 60)

# The second scenario: stale deploy processes hold the budget at the block level; the gate's
# auto-reap ends them (logged) and admits the launch. Root only, like the first.
add_executable(incident_auto_reap_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/incident/burst_agents.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/incident/auto_reap_replay_test.cpp
)
target_include_directories(incident_auto_reap_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/incident)
target_link_libraries(incident_auto_reap_tests PRIVATE gate_integration_kit sysread
                      GTest::gtest_main Threads::Threads)
target_compile_definitions(incident_auto_reap_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(incident_auto_reap_tests spawngate)
gtest_discover_tests(incident_auto_reap_tests TEST_PREFIX "incident." DISCOVERY_TIMEOUT 60)
