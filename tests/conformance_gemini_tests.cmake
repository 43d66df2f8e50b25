# Conformance with the real Gemini CLI: the pinned version (conformance/pinned_clis.txt), installed
# from the npm registry into the build tree's cache by conformance/install_cli.sh, runs headless
# against a local mock of the Gemini API (conformance/gemini/mock_gemini.py) with the shipped hook
# snippet, inside real pids cgroups made with libcgroup. Needs root, a writable pids hierarchy,
# node, npm (or a filled cache) and python3; skips with the reason elsewhere.

add_executable(conformance_gemini_tests
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/gemini/gemini_conformance_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/gemini/gemini_session.cpp
)
target_include_directories(conformance_gemini_tests PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/conformance/gemini)
target_link_libraries(conformance_gemini_tests PRIVATE gate_integration_kit spawngate_testkit
                      GTest::gmock GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(conformance_gemini_tests PRIVATE
    SPAWNGATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNREAPER_PATH="$<TARGET_FILE:spawnreaper>"
    SPAWNGATE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CONFORMANCE_CACHE_DIR="${CMAKE_BINARY_DIR}/conformance-cache")
add_dependencies(conformance_gemini_tests spawngate spawnreaper)
# One CLI session per test, ~5-20 s each; the first may also install the CLI (npm, up to 10 min).
# Serial: each session fills a cgroup with ~900 threads and runs node on a small machine.
gtest_discover_tests(conformance_gemini_tests TEST_PREFIX "conformance.gemini."
                     DISCOVERY_TIMEOUT 60
                     PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE LABELS conformance)
