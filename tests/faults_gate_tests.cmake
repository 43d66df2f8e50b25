# Issue 5, the gate's faults: a damaged or locked ledger, clock steps, and a read-only or full
# state location, each through the built gate on fixture trees (mounts and time namespaces need
# root; those tests skip with the reason elsewhere).
add_executable(faults_gate_tests
    faults/gate_clock_faults_test.cpp
    faults/gate_ledger_faults_test.cpp
    faults/gate_ledger_lock_faults_test.cpp
    faults/gate_state_mount_faults_test.cpp
)
target_include_directories(faults_gate_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gate
                           ${CMAKE_CURRENT_SOURCE_DIR}/faults)
target_link_libraries(faults_gate_tests PRIVATE spawngate_testkit gate_core
                      nlohmann_json::nlohmann_json GTest::gtest_main)
target_compile_definitions(faults_gate_tests PRIVATE SPAWNGATE_PATH="$<TARGET_FILE:spawngate>")
add_dependencies(faults_gate_tests spawngate)
gtest_discover_tests(faults_gate_tests TEST_PREFIX "faults.gate." DISCOVERY_TIMEOUT 30)
