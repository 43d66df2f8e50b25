add_executable(noop_static ${CMAKE_CURRENT_SOURCE_DIR}/noop_main.cpp)
target_link_libraries(noop_static PRIVATE spawngate_flags)
if(NOT SPAWNGATE_SANITIZE)
    target_link_options(noop_static PRIVATE -static)
endif()

add_library(bench_process_timing STATIC ${CMAKE_CURRENT_SOURCE_DIR}/process_timing.cpp)
target_include_directories(bench_process_timing PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(bench_process_timing PUBLIC spawngate_flags)

add_executable(gate_process_bench ${CMAKE_CURRENT_SOURCE_DIR}/gate_process_bench.cpp)
target_link_libraries(gate_process_bench PRIVATE bench_process_timing benchmark::benchmark)
target_compile_definitions(gate_process_bench PRIVATE
    SPAWNGATE_GATE_PATH="$<TARGET_FILE:spawngate>"
    SPAWNGATE_NOOP_PATH="$<TARGET_FILE:noop_static>")
add_dependencies(gate_process_bench spawngate noop_static)
