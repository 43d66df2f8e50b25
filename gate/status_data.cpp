#include "status_data.hpp"

#include <algorithm>
#include <filesystem>

#include "file_read.hpp"
#include "gate_run.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

constexpr std::size_t kBusiestShown = 10;

// Every process in the cgroup subtree at `directory` (cgroup.procs of it and its descendants).
std::vector<pid_t> subtree_processes(const Root& root, const std::string& directory) {
    std::vector<std::string> directories{directory};
    const std::string host_dir = root.join(directory);
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(host_dir, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_directory(error))
            directories.push_back(directory + it->path().string().substr(host_dir.size()));
    }
    std::vector<pid_t> pids;
    std::vector<char> buffer(1 << 20);
    for (const auto& dir : directories) {
        const ReadResult read = read_file(root, dir + "/cgroup.procs", buffer);
        std::string_view rest = read.text;
        while (const auto line = next_line(rest))
            if (const auto pid = parse_u64(*line)) pids.push_back(static_cast<pid_t>(*pid));
    }
    return pids;
}

std::vector<ProcStat> busiest_processes(const Root& root, const std::vector<pid_t>& pids) {
    std::vector<ProcStat> stats;
    for (const pid_t pid : pids)
        if (auto stat = read_proc_stat(root, pid)) stats.push_back(std::move(*stat));
    const std::size_t shown = std::min(kBusiestShown, stats.size());
    std::partial_sort(stats.begin(), stats.begin() + static_cast<std::ptrdiff_t>(shown), stats.end(),
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
        case HeartbeatState::Fresh: return "fresh";
        case HeartbeatState::Late: return "late";
        case HeartbeatState::Missing: return "missing";
        case HeartbeatState::Malformed: return "malformed";
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
            root, subtree_processes(root, data.measurement.pids_location->directory()));
    return data;
}

}  // namespace spawngate
