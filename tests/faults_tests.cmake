# Fault tests of the reaper (issue 5, "Faults"): processes vanishing before every per-process
# step, /proc files turning unreadable or empty mid-scan, a full or read-only log location, the
# reaper killed mid-cycle and restarted, and pidfds unavailable. Each runs real processes or the
# built spawnreaper as root and skips with a reason where the machine cannot run it.
add_executable(faults_term_counter faults/term_counter_main.cpp)
target_link_libraries(faults_term_counter PRIVATE spawngate_flags)

add_executable(faults_reaper_tests
    faults/child_with_pid.cpp
    faults/dac_capabilities.cpp
    faults/reaper_fault_scenario.cpp
    faults/seccomp_no_pidfd.cpp
    faults/reaper_full_disk_test.cpp
    faults/reaper_killed_mid_cycle_test.cpp
    faults/reaper_no_pidfd_test.cpp
    faults/reaper_unreadable_test.cpp
    faults/reaper_vanish_test.cpp
    reaper/real_process.cpp
)
target_include_directories(faults_reaper_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/faults
                           ${CMAKE_CURRENT_SOURCE_DIR}/reaper)
target_link_libraries(faults_reaper_tests PRIVATE reaper_core spawngate_testkit GTest::gtest_main
                      Threads::Threads spawngate_flags)
target_compile_definitions(faults_reaper_tests PRIVATE
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    TERM_COUNTER_PATH="$<TARGET_FILE:faults_term_counter>")
add_dependencies(faults_reaper_tests spawnreaper faults_term_counter)
gtest_discover_tests(faults_reaper_tests TEST_PREFIX "faults.reaper." DISCOVERY_TIMEOUT 30
                     PROPERTIES TIMEOUT 60)
