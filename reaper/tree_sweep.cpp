#include "tree_sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace spawngate {
namespace {

bool existed_before(const ProcessInfo& process, const Snapshot& before) {
    const ProcessInfo* old = before.find(process.pid);
    return old && old->stat_read && old->start_time_ticks == process.start_time_ticks;
}

std::string label(pid_t pid, const Snapshot& now) {
    const ProcessInfo* process = now.find(pid);
    return process ? fmt::format("pid {} ({})", pid, process->name) : fmt::format("pid {}", pid);
}

}  // namespace

std::uint64_t snapshot_ticks(const BootClock& clock) {
    return clock.uptime_ms * clock.ticks_per_second / 1000;
}

std::vector<Newcomer> find_newcomers(const Snapshot& now, const Snapshot& before,
                                     std::uint64_t started_after_ticks,
                                     const std::vector<SweepMember>& members,
                                     const std::vector<std::string>& subreapers,
                                     const std::unordered_set<pid_t>& judged) {
    std::unordered_map<pid_t, const SweepMember*> live_parents;
    std::unordered_map<pid_t, const SweepMember*> groups;
    std::unordered_map<pid_t, const SweepMember*> led_sessions;
    for (const SweepMember& member : members) {
        if (member.alive) live_parents.emplace(member.pid, &member);
        groups.emplace(member.process_group, &member);
        if (member.session == member.pid) led_sessions.emplace(member.session, &member);
    }
    std::vector<Newcomer> found;
    for (const ProcessInfo& process : now.processes) {
        if (!process.stat_read || process.vanished || process.zombie() || process.kernel_thread)
            continue;
        if (process.pid <= 1 || judged.contains(process.pid)) continue;
        if (process.start_time_ticks < started_after_ticks || existed_before(process, before))
            continue;
        if (const auto parent = live_parents.find(process.ppid); parent != live_parents.end()) {
            found.push_back(
                {process.pid, parent->second->tree,
                 fmt::format("child of {}, started during the action", label(process.ppid, now))});
            continue;
        }
        if (!now.is_orphan(process, subreapers)) continue;
        if (const auto group = groups.find(process.process_group); group != groups.end()) {
            found.push_back({process.pid, group->second->tree,
                             fmt::format("orphaned during the action, in the process group of {}",
                                         label(group->second->pid, now))});
        } else if (const auto session = led_sessions.find(process.session);
                   session != led_sessions.end()) {
            found.push_back({process.pid, session->second->tree,
                             fmt::format("orphaned during the action, in the session led by {}",
                                         label(session->second->pid, now))});
        }
    }
    return found;
}

}  // namespace spawngate
