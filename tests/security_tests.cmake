# Issue 5, security: planted symlinks, hook input that must never run, the escalation command's
# argv, and config files other users can change; the built gate and reaper, mostly as root (the
# tests that need root skip with the reason elsewhere).
add_executable(argv_recorder security/argv_recorder.cpp)

add_executable(security_tests
    reaper/real_process.cpp
    security/config_permissions_test.cpp
    security/escalation_argv_test.cpp
    security/hook_input_never_executes_test.cpp
    security/no_spawn_sandbox.cpp
    security/planted_symlink_test.cpp
)
target_include_directories(security_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/gate
                           ${CMAKE_CURRENT_SOURCE_DIR}/reaper ${CMAKE_CURRENT_SOURCE_DIR}/security)
target_link_libraries(security_tests PRIVATE spawngate_testkit gate_core reaper_core
                      nlohmann_json::nlohmann_json GTest::gtest_main)
target_compile_definitions(security_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    ARGV_RECORDER_PATH="$<TARGET_FILE:argv_recorder>")
add_dependencies(security_tests spawngate spawnreaper argv_recorder)
gtest_discover_tests(security_tests TEST_PREFIX "security." DISCOVERY_TIMEOUT 30)
