# Unit tests for the shared readers (sysread/): parsers and fixture-tree readers.
add_executable(sysread_tests
    sysread/cgroup_membership_test.cpp
    sysread/cgroup_readers_test.cpp
    sysread/file_read_test.cpp
    sysread/host_limits_test.cpp
    sysread/mountinfo_test.cpp
    sysread/proc_stat_test.cpp
    sysread/text_parse_test.cpp
)
target_link_libraries(sysread_tests PRIVATE spawngate_testkit sysread spawngate_flags GTest::gtest_main)
gtest_discover_tests(sysread_tests TEST_PREFIX "sysread." DISCOVERY_TIMEOUT 30)
