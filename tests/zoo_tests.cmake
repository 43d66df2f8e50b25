# The deploy zoo: real deploy tools (ansible-playbook, cap, fab, shell, python, make, npm) and
# look-alikes in a private PID and mount namespace, one cycle of the built spawnreaper with the
# shipped rules (ages shortened). Root only; skips with a reason elsewhere, and a missing deploy
# tool skips only its own part. See zoo/FINDINGS.md.
add_executable(deploy_zoo_tests
    zoo/deploy_zoo_test.cpp
    zoo/zoo_namespace.cpp
    zoo/zoo_processes.cpp
)
target_include_directories(deploy_zoo_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/zoo)
# fmt comes header-only through reaper_core.
target_link_libraries(deploy_zoo_tests PRIVATE reaper_core spawngate_testkit GTest::gtest_main
                      spawngate_flags)
target_compile_definitions(deploy_zoo_tests PRIVATE
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_dependencies(deploy_zoo_tests spawnreaper)
# Starting ansible, cap, fab and npm at once takes seconds on a small machine; one cycle then
# waits at most the shipped 10 s grace. 180 s leaves room for the 60 s readiness bound.
gtest_discover_tests(deploy_zoo_tests TEST_PREFIX "zoo." DISCOVERY_TIMEOUT 30
                     PROPERTIES TIMEOUT 180)
