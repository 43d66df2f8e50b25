# In-process gate bench: measure() + decide() against a real two-level pids cgroup and the
# process's own cgroup, beside libcgroup's cgroup_init() for comparison. The cgroup guard is the
# integration tests' helper (GoogleTest-free), compiled in directly so the bench does not depend
# on SPAWNGATE_BUILD_TESTS.
set(SPAWNGATE_INTEGRATION_HELPERS ${PROJECT_SOURCE_DIR}/tests/gate_integration)
add_executable(gate_inprocess_bench
    ${CMAKE_CURRENT_SOURCE_DIR}/gate_inprocess_bench.cpp
    ${SPAWNGATE_INTEGRATION_HELPERS}/scoped_pids_cgroup.cpp
)
target_include_directories(gate_inprocess_bench PRIVATE ${SPAWNGATE_INTEGRATION_HELPERS})
target_link_libraries(gate_inprocess_bench PRIVATE spawngate_flags gate_core PkgConfig::LIBCGROUP
                      benchmark::benchmark)
