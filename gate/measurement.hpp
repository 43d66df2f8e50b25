#pragma once
// What the gate measured about the caller: the read side of read -> decide -> act.

#include <optional>
#include <string>
#include <vector>

#include "cgroup_locate.hpp"
#include "host_limits.hpp"
#include "memory_budget.hpp"
#include "pids_budget.hpp"
#include "problem.hpp"
#include "reaper_heartbeat.hpp"
#include "root.hpp"
#include "task_counts.hpp"

namespace spawngate {

struct Measurement {
    std::optional<CgroupLocation> pids_location;
    std::string pids_unavailable;  // why there is no pids cgroup, when there is none
    std::vector<PidsLevel> pids_levels;
    std::vector<HostLimit> host_limits;  // read only when no cgroup level has a pids limit
    TaskCounts tasks;
    std::optional<CgroupLocation> memory_location;
    std::vector<MemoryLevel> memory_levels;
    std::vector<Problem> problems;     // everything that could not be read, for the report
    std::uint64_t reserved_tasks = 0;  // admitted launches not yet visible in pids.current
    std::optional<std::uint64_t> context_tokens;  // the agent's context in use (hook launches)
    std::string context_model;                    // the model of that turn, as recorded
    std::optional<std::uint64_t> workers;         // live workers, when a worker cap is set
    HeartbeatRead reaper;                         // the reaper's last heartbeat
    bool reaper_configured = false;  // a reaper config exists, so a missing heartbeat matters

    // The caller's own task count: its pids cgroup subtree when the controller reports it,
    // else every task on the host (the best available without a pids cgroup).
    std::optional<std::uint64_t> caller_tasks() const;

    bool has_cgroup_pids_limit() const;
};

inline constexpr std::string_view kReaperConfigPath = "/etc/spawngate/reaper.toml";

struct MeasureOptions {
    std::string_view reaper_heartbeat = kDefaultHeartbeatPath;
    bool memory_usage_of_caller = false;  // the status report shows usage without a limit
    bool count_processes = true;          // cgroup.procs: reported, never judged
    // For the gate's hot path: count threads only when the caller's pids.current is above this.
    // Threads in a cgroup cannot outnumber the tasks of its subtree, so at or below it the
    // thread warning cannot fire. Without a pids.current (the hierarchy's true root) the count
    // is skipped too: the kernel builds and sorts the whole host's task list for that file, and
    // the host limits (kernel.threads-max against every task) already judge the whole host.
    std::optional<std::uint64_t> threads_needed_above;
};

// Reads everything the verdict needs, and nothing more.
Measurement measure(const Root& root, const MeasureOptions& options);

}  // namespace spawngate
