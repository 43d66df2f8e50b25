#include "status_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "column_text.hpp"
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

using Out = std::back_insert_iterator<fmt::memory_buffer>;

// A cgroup column widens to the longest path shown, from the width it always had (so a short
// path prints as it did) up to a cap: a container's scope (/system.slice/docker-<64 hex>.scope)
// still fits, and a longer path is cut with the marker instead of pushing the numbers right.
constexpr std::size_t kCgroupMinWidth = 40;
constexpr std::size_t kCgroupMaxWidth = 80;
// Process names: the kernel keeps 15 bytes of comm, but kernel threads show more in
// /proc/PID/stat ("kworker/0:0-cgroup_pidlist_destroy", workqueue names since Linux 4.19).
constexpr std::size_t kProcessMinWidth = 16;
constexpr std::size_t kProcessMaxWidth = 40;

// Each raw name made printable and cut at `max_width`, and the column width that holds them
// all (at least `min_width`).
struct Column {
    std::vector<std::string> cells;
    std::size_t width = 0;
};

template <typename Range, typename Name>
Column column_of(const Range& rows, Name name, std::size_t min_width, std::size_t max_width,
                 KeepEnd keep) {
    Column column{{}, min_width};
    for (const auto& row : rows) {
        column.cells.push_back(column_text(name(row), max_width, keep));
        column.width = std::max(column.width, column_width(column.cells.back()));
    }
    return column;
}

// fmt pads by display width, so a cell cut with the marker (three bytes, one column) lines up.
void reaper_line(Out out, const Measurement& m) {
    const auto& hb = m.reaper.heartbeat;
    switch (m.reaper.state) {
        case HeartbeatState::Fresh:
        case HeartbeatState::Late:
            if (m.reaper.ahead_s > 0)
                fmt::format_to(out, "reaper: last cycle {} s in the future", m.reaper.ahead_s);
            else
                fmt::format_to(out, "reaper: last cycle {} s ago", m.reaper.age_s);
            fmt::format_to(
                out, " (runs every {} s; pid {}, reaped {}, failed {}){}\n", hb->interval_s,
                hb->pid, hb->reaped, hb->failed,
                m.reaper.state == HeartbeatState::Late ? " -- LATE: it looks stopped" : "");
            return;
        case HeartbeatState::Missing:
            fmt::format_to(out, "{}\n",
                           m.reaper_configured ? "reaper: configured but no heartbeat since boot"
                                               : "reaper: no heartbeat (not running here)");
            return;
        case HeartbeatState::Malformed:
            fmt::format_to(out, "reaper: the heartbeat file is not a heartbeat\n");
            return;
    }
}

std::string optional_number(const std::optional<std::uint64_t>& value, const char* none = "-") {
    return value ? fmt::to_string(*value) : none;
}

void pids_table(Out out, const StatusData& data) {
    const Measurement& m = data.measurement;
    fmt::format_to(out, "pids controller: cgroup {} at {}\n",
                   m.pids_location->unified ? "v2" : "v1",
                   column_text(m.pids_location->mount_point, 0));
    const Column names = column_of(
        m.pids_levels, [](const PidsLevel& level) -> const std::string& { return level.cgroup; },
        kCgroupMinWidth, kCgroupMaxWidth, KeepEnd::Finish);
    fmt::format_to(out, "  {:<{}} {:>7} {:>9} {:>9} {:>7} {:>11}\n", "level (caller first)",
                   names.width, "current", "max", "percent", "peak", "max-events");
    for (std::size_t i = 0; i < m.pids_levels.size(); ++i) {
        const auto& level = m.pids_levels[i];
        const std::string percent = level.max && level.current
                                        ? format_percent(static_cast<double>(*level.current) /
                                                         static_cast<double>(*level.max))
                                        : "-";
        fmt::format_to(
            out, "  {:<{}} {:>7} {:>9} {:>9} {:>7} {:>11}\n", names.cells[i], names.width,
            optional_number(level.current), optional_number(level.max, "max"), percent,
            optional_number(data.histories[i].peak), optional_number(data.histories[i].max_events));
    }
}

void busiest_table(Out out, const std::vector<ProcStat>& top) {
    const Column names = column_of(
        top, [](const ProcStat& stat) -> const std::string& { return stat.comm; }, kProcessMinWidth,
        kProcessMaxWidth, KeepEnd::Start);
    fmt::format_to(out, "busiest processes by threads:\n");
    for (std::size_t i = 0; i < top.size(); ++i)
        fmt::format_to(out, "  {:>7}  {:<{}} {:>5} threads\n", top[i].pid, names.cells[i],
                       names.width, top[i].threads);
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
            return {{}, 1, fmt::format("spawngate: cannot write metrics: {}\n", failed.text())};
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

    fmt::memory_buffer buffer;
    const Out out = std::back_inserter(buffer);
    fmt::format_to(out, "spawngate status\n\n");
    if (m.pids_location)
        pids_table(out, data);
    else
        fmt::format_to(out, "pids controller: not available ({})\n", m.pids_unavailable);
    if (!m.host_limits.empty()) {
        fmt::format_to(out, "host limits (no cgroup level has a pids limit):\n");
        for (const auto& host : m.host_limits)
            fmt::format_to(
                out, "  {}: {} of {} tasks ({})\n", host.name, host.current, host.max,
                format_percent(static_cast<double>(host.current) / static_cast<double>(host.max)));
    }
    fmt::format_to(out, "\ncaller's cgroup: {} processes, {} threads (warns above {})\n",
                   optional_number(m.tasks.processes, "?"), optional_number(m.tasks.threads, "?"),
                   settings.thresholds.thread_warn);
    if (!top.empty()) busiest_table(out, top);
    if (own_memory && own_memory->usage) {
        fmt::format_to(
            out, "\nmemory (cgroup {}): anon {}, shmem {}, file {} (page cache, not judged)",
            column_text(own_memory->cgroup, 0), format_bytes(own_memory->usage->anon_bytes),
            format_bytes(own_memory->usage->shmem_bytes),
            format_bytes(own_memory->usage->file_bytes));
        if (verdict.tightest_memory)
            fmt::format_to(out, ", limit {}\n", format_bytes(verdict.tightest_memory->max));
        else
            fmt::format_to(out, ", no limit\n");
    }
    fmt::format_to(out, "\n");
    reaper_line(out, m);
    fmt::format_to(out, "\nverdict for a launch of {} task(s): {}\n", settings.cost,
                   level_name(verdict.level));
    if (verdict.tightest_pids)
        fmt::format_to(out, "  deciding pids limit: {}\n", describe_limit(*verdict.tightest_pids));
    if (verdict.tightest_memory)
        fmt::format_to(out, "  nearest memory limit: {}\n",
                       describe_limit(*verdict.tightest_memory));
    for (const auto& problem : verdict.problems)
        fmt::format_to(out, "  could not read: {}\n", problem.text());
    return {fmt::to_string(buffer), exit_code, {}};
}

}  // namespace spawngate
