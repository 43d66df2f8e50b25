# The gate under load (issue 5, "Load"): thousands of reserving gate runs from concurrent loops
# into a real pids cgroup while processes churn and the reaper cycles. Root only; skips with the
# reason elsewhere. The scenario's parts (tests/load/) are GoogleTest-free and shared with
# bench/gate_load_bench.cmake, which compiles them directly.

# The launched workload: joins a cgroup, holds N tasks for a while, exits.
add_executable(load_task_holder ${CMAKE_CURRENT_SOURCE_DIR}/load/task_holder_main.cpp)
target_link_libraries(load_task_holder PRIVATE spawngate_flags Threads::Threads)

add_executable(load_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/load/gate_under_load_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/ledger_checks_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/gate_answer_checks.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/ledger_checks.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/ledger_sampler.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/load_scenario.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/process_churn.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/reaper_cycler.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/reserving_callers.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/load/spawned_children.cpp
)
target_include_directories(load_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/load)
target_link_libraries(load_tests PRIVATE gate_integration_kit gate_core nlohmann_json::nlohmann_json
                      GTest::gtest_main Threads::Threads)
# Sanitizer builds run every gate and reaper as an instrumented process: fewer calls by default.
target_compile_definitions(load_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    LOAD_TASK_HOLDER_PATH="$<TARGET_FILE:load_task_holder>"
    $<$<BOOL:${SPAWNGATE_SANITIZE}>:SPAWNGATE_SANITIZED=1>)
add_dependencies(load_tests spawngate spawnreaper load_task_holder)
gtest_discover_tests(load_tests TEST_PREFIX "load." DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 120)
