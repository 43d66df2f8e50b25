#pragma once
// Runs the built spawngate executable as its own process inside a given pids cgroup, the way a
// launcher or Claude Code would: stdin fed and closed, stdout and stderr captured. The gate's
// own process counts as one task of that cgroup while it measures.

#include <string>
#include <vector>

#include "scoped_pids_cgroup.hpp"

namespace spawngate::integration {

struct GateRun {
    int exit_code = -1;  // the gate's exit status; -1 when it did not exit normally
    std::string stdout_text;
    std::string stderr_text;
    std::string failure;  // non-empty when the run itself failed (spawn, join, hang)
};

// Forks; the child joins `cgroup` (writes 0 to its cgroup.procs) and execs `gate_path` with
// `arguments` in an environment with no SPAWNGATE_* variables. A run that has not finished
// after a minute is killed and reported in `failure`, so a hang fails the test instead of
// stalling ctest; no test asserts anything about speed.
GateRun run_gate_in(const ScopedPidsCgroup& cgroup, const std::string& gate_path,
                    const std::vector<std::string>& arguments, const std::string& stdin_text = {});

}  // namespace spawngate::integration
