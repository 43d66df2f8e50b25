#include "status_data.hpp"

#include <algorithm>

#include "cgroup_processes.hpp"
#include "gate_run.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

constexpr std::size_t kBusiestShown = 10;

std::vector<ProcStat> busiest_processes(const Root& root, const std::vector<pid_t>& pids) {
    std::vector<ProcStat> stats;
    for (const pid_t pid : pids)
        if (auto stat = read_proc_stat(root, pid)) stats.push_back(std::move(*stat));
    const std::size_t shown = std::min(kBusiestShown, stats.size());
    std::partial_sort(stats.begin(), stats.begin() + static_cast<std::ptrdiff_t>(shown),
                      stats.end(),
                      [](const ProcStat& a, const ProcStat& b) { return a.threads > b.threads; });
    stats.resize(shown);
    return stats;
}

}  // namespace

const MemoryLevel* StatusData::own_memory() const {
    return measurement.memory_levels.empty() ? nullptr : &measurement.memory_levels.front();
}

const char* heartbeat_state_name(HeartbeatState state) {
    switch (state) {
        case HeartbeatState::Fresh:
            return "fresh";
        case HeartbeatState::Late:
            return "late";
        case HeartbeatState::Missing:
            return "missing";
        case HeartbeatState::Malformed:
            return "malformed";
    }
    return "missing";
}

StatusData collect_status(const Root& root, const GateSettings& settings) {
    StatusData data;
    MeasureOptions options;
    options.reaper_heartbeat = settings.reaper_heartbeat;
    options.memory_usage_of_caller = true;
    data.measurement = measure(root, options);
    for (auto& note : count_live_reservations(settings, root, data.measurement))
        data.measurement.problems.push_back(std::move(note));
    data.verdict = decide(data.measurement, settings);
    for (const auto& level : data.measurement.pids_levels)
        data.histories.push_back(read_pids_history(root, level.directory));
    if (data.measurement.pids_location)
        data.busiest = busiest_processes(
            root, cgroup_subtree_processes(root, data.measurement.pids_location->directory())
                      .value_or(std::vector<pid_t>{}));
    return data;
}

}  // namespace spawngate
