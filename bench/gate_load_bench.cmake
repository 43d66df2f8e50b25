# The gate's whole-process latency under load beside no load, in the same run (issue 5, "Load";
# README "Figures"). The load scenario is the load test's (tests/load/), compiled in directly so
# the bench does not depend on SPAWNGATE_BUILD_TESTS, like gate_inprocess_bench.
find_package(Threads REQUIRED)
set(SPAWNGATE_LOAD_HELPERS ${PROJECT_SOURCE_DIR}/tests/load)
set(SPAWNGATE_LOAD_INTEGRATION_HELPERS ${PROJECT_SOURCE_DIR}/tests/gate_integration)
if(NOT TARGET load_task_holder)
    add_executable(load_task_holder ${SPAWNGATE_LOAD_HELPERS}/task_holder_main.cpp)
    target_link_libraries(load_task_holder PRIVATE spawngate_flags Threads::Threads)
endif()
add_executable(gate_load_bench
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_load_bench.cpp
    ${SPAWNGATE_LOAD_HELPERS}/load_scenario.cpp
    ${SPAWNGATE_LOAD_HELPERS}/process_churn.cpp
    ${SPAWNGATE_LOAD_HELPERS}/reaper_cycler.cpp
    ${SPAWNGATE_LOAD_HELPERS}/reserving_callers.cpp
    ${SPAWNGATE_LOAD_HELPERS}/spawned_children.cpp
    ${SPAWNGATE_LOAD_INTEGRATION_HELPERS}/scoped_pids_cgroup.cpp
    ${SPAWNGATE_LOAD_INTEGRATION_HELPERS}/gate_runner.cpp
)
target_include_directories(gate_load_bench PRIVATE ${SPAWNGATE_LOAD_HELPERS}
                           ${SPAWNGATE_LOAD_INTEGRATION_HELPERS})
target_link_libraries(gate_load_bench PRIVATE bench_process_timing PkgConfig::LIBCGROUP
                      benchmark::benchmark Threads::Threads)
target_compile_definitions(gate_load_bench PRIVATE
    SPAWNGATE_GATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    LOAD_TASK_HOLDER_PATH="$<TARGET_FILE:load_task_holder>")
add_dependencies(gate_load_bench spawngate spawnreaper load_task_holder)
