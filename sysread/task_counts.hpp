#pragma once
// Processes and threads in exactly one cgroup (not its descendants): cgroup.procs lists thread
// group ids, cgroup.threads (v2) or tasks (v1) lists every thread.

#include <cstdint>
#include <optional>

#include "cgroup_locate.hpp"
#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct TaskCounts {
    std::optional<std::uint64_t> processes;
    std::optional<std::uint64_t> threads;
    std::optional<Problem> problem;
};

TaskCounts read_task_counts(const Root& root, const CgroupLocation& location);

// The two halves of read_task_counts, for callers that need only one (each is a full read of a
// file that lists every member, so the gate skips what it does not need).
void read_process_count(const Root& root, const CgroupLocation& location, TaskCounts& counts);
void read_thread_count(const Root& root, const CgroupLocation& location, TaskCounts& counts);

}  // namespace spawngate
