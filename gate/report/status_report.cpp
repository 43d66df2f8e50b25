#include "status_report.hpp"

#include <algorithm>
#include <cstdio>

#include "file_read.hpp"
#include "json_writer.hpp"
#include "measurement.hpp"
#include "proc_stat.hpp"
#include "state_dir.hpp"
#include "status_data.hpp"
#include "status_prometheus.hpp"
#include "text_parse.hpp"
#include "verdict.hpp"
#include "verdict_report.hpp"

namespace spawngate {
namespace {

std::string reaper_line(const Measurement& m) {
    const auto& hb = m.reaper.heartbeat;
    switch (m.reaper.state) {
        case HeartbeatState::Fresh:
        case HeartbeatState::Late:
            return "reaper: last cycle " +
                   (m.reaper.ahead_s > 0 ? std::to_string(m.reaper.ahead_s) + " s in the future"
                                         : std::to_string(m.reaper.age_s) + " s ago") +
                   " (runs every " + std::to_string(hb->interval_s) + " s; pid " +
                   std::to_string(hb->pid) + ", reaped " + std::to_string(hb->reaped) +
                   ", failed " + std::to_string(hb->failed) + ")" +
                   (m.reaper.state == HeartbeatState::Late ? " -- LATE: it looks stopped\n" : "\n");
        case HeartbeatState::Missing:
            return m.reaper_configured ? "reaper: configured but no heartbeat since boot\n"
                                       : "reaper: no heartbeat (not running here)\n";
        case HeartbeatState::Malformed:
            return "reaper: the heartbeat file is not a heartbeat\n";
    }
    return {};
}

std::string optional_number(const std::optional<std::uint64_t>& value, const char* none = "-") {
    return value ? std::to_string(*value) : none;
}

}  // namespace

StatusOutput status_report(const Root& root, const GateSettings& settings) {
    const StatusData data = collect_status(root, settings);
    const Measurement& m = data.measurement;
    const Verdict& verdict = data.verdict;
    const auto& histories = data.histories;
    const auto& top = data.busiest;
    const MemoryLevel* own_memory = data.own_memory();
    const int exit_code = verdict.level == Level::Block ? 2 : 0;

    if (!settings.prometheus_file.empty()) {
        const std::string metrics = status_prometheus(data);
        if (settings.prometheus_file == "-") return {metrics, exit_code, {}};
        const SplitPath target = split_path(settings.prometheus_file);
        const StateDir dir = open_state_dir(target.directory, false);
        Problem failed = dir.fd ? write_file_atomically(dir, target.name, metrics) : dir.problem;
        if (!failed.what.empty())
            return {{}, 1, "spawngate: cannot write metrics: " + failed.text() + "\n"};
        return {{}, exit_code, {}};
    }
    if (settings.json) {
        JsonWriter json;
        json.begin_object();
        json.field("verdict", level_name(verdict.level));
        json.key("pids").begin_object();
        json.field("hierarchy",
                   m.pids_location ? (m.pids_location->unified ? "v2" : "v1") : "none");
        json.field("mount", m.pids_location ? m.pids_location->mount_point : std::string());
        json.key("levels").begin_array();
        for (std::size_t i = 0; i < m.pids_levels.size(); ++i) {
            const auto& level = m.pids_levels[i];
            json.begin_object()
                .field("cgroup", level.cgroup)
                .field("path", level.directory)
                .field("current", level.current)
                .field("max", level.max);
            if (level.max && level.current)
                json.field("percent", static_cast<double>(*level.current) * 100.0 /
                                          static_cast<double>(*level.max));
            json.field("peak", histories[i].peak)
                .field("max_events", histories[i].max_events)
                .end_object();
        }
        json.end_array().end_object();
        json.key("host_limits").begin_array();
        for (const auto& host : m.host_limits)
            json.begin_object()
                .field("name", host.name)
                .field("current", host.current)
                .field("max", host.max)
                .end_object();
        json.end_array();
        json.field("processes", m.tasks.processes).field("threads", m.tasks.threads);
        json.key("top_threads").begin_array();
        for (const auto& stat : top)
            json.begin_object()
                .field("pid", static_cast<std::uint64_t>(stat.pid))
                .field("name", stat.comm)
                .field("threads", stat.threads)
                .end_object();
        json.end_array();
        json.key("memory");
        if (own_memory && own_memory->usage) {
            json.begin_object()
                .field("cgroup", own_memory->cgroup)
                .field("anon_bytes", own_memory->usage->anon_bytes)
                .field("shmem_bytes", own_memory->usage->shmem_bytes)
                .field("file_bytes", own_memory->usage->file_bytes)
                .field("limit_bytes", verdict.tightest_memory ? std::optional<std::uint64_t>(
                                                                    verdict.tightest_memory->max)
                                                              : std::nullopt)
                .end_object();
        } else {
            json.null();
        }
        json.key("reaper").begin_object().field("state", heartbeat_state_name(m.reaper.state));
        if (m.reaper.heartbeat) {
            json.field("age_s", m.reaper.age_s)
                .field("interval_s", m.reaper.heartbeat->interval_s)
                .field("pid", static_cast<std::uint64_t>(m.reaper.heartbeat->pid))
                .field("reaped", m.reaper.heartbeat->reaped)
                .field("failed", m.reaper.heartbeat->failed);
        }
        json.end_object();
        json.key("problems").begin_array();
        for (const auto& problem : verdict.problems) json.value(problem.text());
        json.end_array();
        json.end_object();
        return {json.text() + "\n", exit_code, {}};
    }

    std::string out = "spawngate status\n\n";
    if (m.pids_location) {
        out += "pids controller: cgroup " + std::string(m.pids_location->unified ? "v2" : "v1") +
               " at " + m.pids_location->mount_point + "\n";
        out +=
            "  level (caller first)                     current       max   percent    peak  "
            "max-events\n";
        for (std::size_t i = 0; i < m.pids_levels.size(); ++i) {
            const auto& level = m.pids_levels[i];
            char row[512];
            const std::string percent = level.max && level.current
                                            ? format_percent(static_cast<double>(*level.current) /
                                                             static_cast<double>(*level.max))
                                            : "-";
            std::snprintf(row, sizeof row, "  %-40s %7s %9s %9s %7s %11s\n", level.cgroup.c_str(),
                          optional_number(level.current).c_str(),
                          level.max ? std::to_string(*level.max).c_str() : "max", percent.c_str(),
                          optional_number(histories[i].peak).c_str(),
                          optional_number(histories[i].max_events).c_str());
            out += row;
        }
    } else {
        out += "pids controller: not available (" + m.pids_unavailable + ")\n";
    }
    if (!m.host_limits.empty()) {
        out += "host limits (no cgroup level has a pids limit):\n";
        for (const auto& host : m.host_limits) {
            out +=
                "  " + host.name + ": " + std::to_string(host.current) + " of " +
                std::to_string(host.max) + " tasks (" +
                format_percent(static_cast<double>(host.current) / static_cast<double>(host.max)) +
                ")\n";
        }
    }
    out += "\ncaller's cgroup: " + optional_number(m.tasks.processes, "?") + " processes, " +
           optional_number(m.tasks.threads, "?") + " threads (warns above " +
           std::to_string(settings.thresholds.thread_warn) + ")\n";
    if (!top.empty()) {
        out += "busiest processes by threads:\n";
        for (const auto& stat : top) {
            char row[128];
            std::snprintf(row, sizeof row, "  %7d  %-16s %5llu threads\n", stat.pid,
                          stat.comm.c_str(), static_cast<unsigned long long>(stat.threads));
            out += row;
        }
    }
    if (own_memory && own_memory->usage) {
        out += "\nmemory (cgroup " + own_memory->cgroup + "): anon " +
               format_bytes(own_memory->usage->anon_bytes) + ", shmem " +
               format_bytes(own_memory->usage->shmem_bytes) + ", file " +
               format_bytes(own_memory->usage->file_bytes) + " (page cache, not judged)";
        out += verdict.tightest_memory
                   ? ", limit " + format_bytes(verdict.tightest_memory->max) + "\n"
                   : ", no limit\n";
    }
    out += "\n" + reaper_line(m);
    out += "\nverdict for a launch of " + std::to_string(settings.cost) +
           " task(s): " + level_name(verdict.level) + "\n";
    if (verdict.tightest_pids)
        out += "  deciding pids limit: " + describe_limit(*verdict.tightest_pids) + "\n";
    if (verdict.tightest_memory)
        out += "  nearest memory limit: " + describe_limit(*verdict.tightest_memory) + "\n";
    for (const auto& problem : verdict.problems)
        out += "  could not read: " + problem.text() + "\n";
    return {out, exit_code, {}};
}

}  // namespace spawngate
