#pragma once
// Whole-process latency: posix_spawn + waitpid of an executable, measured from the parent.

#include <chrono>
#include <string>
#include <vector>

namespace spawngate::bench {

// Runs `argv` once with stdin from `stdin_path` and stdout and stderr on /dev/null; returns the
// wall time, or a negative duration when the spawn failed. The wait status goes to
// `wait_status` when given.
std::chrono::nanoseconds time_one_run(const std::vector<std::string>& argv,
                                      const std::string& stdin_path = "/dev/null",
                                      int* wait_status = nullptr);

// The p-th percentile (0..100) of `samples`, which it sorts.
double percentile_us(std::vector<double>& samples, double p);

}  // namespace spawngate::bench
