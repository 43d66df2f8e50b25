#pragma once
// The pids controller's budget at every level from the caller's cgroup to the mount root.
// pids.current counts tasks, threads included, not processes (cgroup-v2.rst, "PID").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cgroup_locate.hpp"
#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct PidsLevel {
    std::string cgroup;                    // the cgroup's path relative to the mount root
    std::string directory;                 // its directory below the root, for messages
    std::optional<std::uint64_t> current;  // tasks now; absent where the level has no limit files
    std::optional<std::uint64_t> max;      // nullopt: no limit at this level ("max" or no file)
};

struct PidsBudget {
    std::vector<PidsLevel> levels;  // the caller's level first
    std::vector<Problem> problems;  // levels that could not be read; never silently skipped
};

// Reads pids.current and pids.max at each level. A missing pids.max is no limit (the root cgroup
// has none; v2 levels whose parent has not enabled pids have none); a garbage one is a problem.
PidsBudget read_pids_budget(const Root& root, const CgroupLocation& location);

// pids.current of one cgroup directory; nullopt when unreadable or not a number.
std::optional<std::uint64_t> read_pids_current(const Root& root, const std::string& directory);

// pids.peak and the "max" counter of pids.events (fork failures at this limit), where the kernel
// has them (pids.peak: 6.1+ on v2, 6.8+ on v1).
struct PidsHistory {
    std::optional<std::uint64_t> peak;
    std::optional<std::uint64_t> max_events;
};
PidsHistory read_pids_history(const Root& root, const std::string& directory);

}  // namespace spawngate
