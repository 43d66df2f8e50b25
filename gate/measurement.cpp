#include "measurement.hpp"

#include <sys/stat.h>

#include <array>
#include <ctime>

#include "cgroup_membership.hpp"
#include "file_read.hpp"
#include "hot_path.hpp"

namespace spawngate {

SPAWNGATE_HOT_PATH bool Measurement::has_cgroup_pids_limit() const {
    for (const auto& level : pids_levels)
        if (level.max) return true;
    return false;
}

SPAWNGATE_HOT_PATH std::optional<std::uint64_t> Measurement::caller_tasks() const {
    if (!pids_levels.empty() && pids_levels.front().current) return pids_levels.front().current;
    for (const auto& host : host_limits)
        if (host.name == "kernel.threads-max") return host.current;
    return std::nullopt;
}

SPAWNGATE_HOT_PATH Measurement measure(const Root& root, const MeasureOptions& options) {
    Measurement m;
    std::array<char, 4096> buffer;  // not zeroed: only what read() fills is used
    const ReadResult cgroup_file = read_file(root, "/proc/self/cgroup", buffer);
    std::optional<CgroupMembership> membership;
    if (cgroup_file.ok()) {
        auto parsed = parse_cgroup_membership(cgroup_file.text);
        if (parsed.membership) {
            membership = std::move(parsed.membership);
        } else {
            parsed.problem.where = "/proc/self/cgroup " + parsed.problem.where;
            m.problems.push_back(std::move(parsed.problem));
        }
    } else {
        m.problems.push_back(
            {"/proc/self/cgroup", describe(cgroup_file.status, cgroup_file.error)});
    }

    if (membership) {
        CgroupMountTable mounts(root);
        LocateResult pids = locate_controller(root, *membership, "pids", mounts, "pids.max");
        if (pids.location) {
            PidsBudget budget = read_pids_budget(root, *pids.location);
            m.pids_levels = std::move(budget.levels);
            for (auto& problem : budget.problems) m.problems.push_back(std::move(problem));
            if (options.count_processes) read_process_count(root, *pids.location, m.tasks);
            m.pids_location = std::move(pids.location);
        } else {
            m.pids_unavailable = std::move(pids.why_not);
        }
        LocateResult memory = locate_controller(
            root, *membership, "memory", mounts,
            membership->v1_for("memory") ? "memory.limit_in_bytes" : "memory.max");
        if (memory.location) {
            MemoryBudget budget =
                read_memory_budget(root, *memory.location, options.memory_usage_of_caller);
            m.memory_levels = std::move(budget.levels);
            for (auto& problem : budget.problems) m.problems.push_back(std::move(problem));
            m.memory_location = std::move(memory.location);
        }
    } else {
        m.pids_unavailable = "the caller's cgroups could not be read";
    }

    // Supervise the supervisor: a reaper that silently stopped is the next incident.
    m.reaper =
        read_heartbeat(root, options.reaper_heartbeat, static_cast<std::uint64_t>(::time(nullptr)));
    if (m.reaper.state == HeartbeatState::Missing) {
        struct stat info {};
        m.reaper_configured = ::stat(root.join(kReaperConfigPath).c_str(), &info) == 0;
    }

    if (!m.has_cgroup_pids_limit()) {
        HostLimits host = read_host_limits(root);
        m.host_limits = std::move(host.limits);
        for (auto& problem : host.problems) m.problems.push_back(std::move(problem));
    }

    if (m.pids_location) {
        const std::optional<std::uint64_t> own_tasks =
            m.pids_levels.empty() ? std::nullopt : m.pids_levels.front().current;
        const bool skip_threads = options.threads_needed_above &&
                                  (!own_tasks || *own_tasks <= *options.threads_needed_above);
        if (!skip_threads) read_thread_count(root, *m.pids_location, m.tasks);
        // Unread task lists would silently disable the thread warning: say so.
        if (m.tasks.problem) m.problems.push_back(*m.tasks.problem);
    }
    return m;
}

}  // namespace spawngate
