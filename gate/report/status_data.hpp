#pragma once
// What `spawngate status` reports, collected once and rendered as text, JSON or Prometheus
// textfile metrics. Off the hot path, so it reads more than a check: every level's history
// (pids.peak, pids.events), the busiest processes by thread count, memory in detail.

#include <vector>

#include "measurement.hpp"
#include "pids_budget.hpp"
#include "proc_stat.hpp"
#include "root.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

struct StatusData {
    Measurement measurement;
    Verdict verdict;
    std::vector<PidsHistory> histories;     // one per measurement.pids_levels entry
    std::vector<ProcStat> busiest;          // the caller's cgroup subtree, most threads first
    const MemoryLevel* own_memory() const;  // the caller's memory level, when read
};

StatusData collect_status(const Root& root, const GateSettings& settings);

const char* heartbeat_state_name(HeartbeatState state);

}  // namespace spawngate
