#pragma once
// `spawnreaper --metrics FILE`: the node_exporter textfile-collector format, so fleets scrape the
// reaper with the monitoring they already run. Decisions are counters by rule and outcome; a
// --once run is a new process, so the totals are read back from the previous file (a missing or
// unreadable one starts from zero, which Prometheus reads as a counter reset).
//
//   spawnreaper_decisions_total{rule="stale-deploy",outcome="exited_after_signal"} 3
//   spawnreaper_cycles_total 17
//   spawnreaper_last_cycle_timestamp_seconds 1795617354
//   spawnreaper_last_cycle_duration_seconds 0.012
//   spawnreaper_last_cycle_processes 1874
//   spawnreaper_last_cycle_failed 0

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "problem.hpp"
#include "reap_cycle.hpp"

namespace spawngate {

struct ReapTotals {
    std::map<std::pair<std::string, std::string>, std::uint64_t> decisions;  // (rule, outcome)
    std::uint64_t cycles = 0;
};

// The totals in a metrics file this program wrote; lines it does not know are ignored.
ReapTotals parse_metrics_totals(std::string_view text);

// Adds one cycle's decisions: a reap counts under its victim's outcome, the others under
// "spared", "suppressed" or "dry_run".
void add_cycle(ReapTotals& totals, const CycleReport& report);

std::string format_metrics(const ReapTotals& totals, const CycleReport& report,
                           std::uint64_t now_unix_s);

// Reads the previous totals at `path`, adds `report`, and replaces the file atomically (its
// directory is checked like the state directory). Returns an empty Problem on success.
Problem write_metrics(const std::string& path, const CycleReport& report, std::uint64_t now_unix_s);

}  // namespace spawngate
