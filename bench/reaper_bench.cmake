# spawnreaper: one cycle over 100, 1,000 and 5,000 real sleeping processes, beside `pgrep -f`
# over the same processes in the same run (README "Speed").
add_executable(reaper_cycle_bench ${CMAKE_CURRENT_SOURCE_DIR}/reaper_cycle_bench.cpp)
target_link_libraries(reaper_cycle_bench PRIVATE reaper_core benchmark::benchmark spawngate_flags)
