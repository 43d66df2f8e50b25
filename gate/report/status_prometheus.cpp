#include "status_prometheus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "json_writer.hpp"

namespace spawngate {
namespace {

class MetricsText {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        fmt::format_to(std::back_inserter(text_), "# HELP {0} {2}\n# TYPE {0} {1}\n", name, type,
                       help);
    }
    // %.17g: every double round-trips, and whole numbers print without a fraction ("200").
    void sample(std::string_view name, std::string_view labels, double value) {
        if (labels.empty())
            fmt::format_to(std::back_inserter(text_), "{} {:.17g}\n", name, value);
        else
            fmt::format_to(std::back_inserter(text_), "{}{{{}}} {:.17g}\n", name, labels, value);
    }
    std::string text() const { return fmt::to_string(text_); }

  private:
    fmt::memory_buffer text_;
};

std::string label(std::string_view name, std::string_view value) {
    return fmt::format("{}=\"{}\"", name, prometheus_label(value));
}

}  // namespace

std::string prometheus_label(std::string_view value) {
    std::string escaped;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            // Label values must be UTF-8 or the collector rejects the whole file; cgroup names
            // are bytes, so a byte that starts no valid sequence becomes U+FFFD.
            const std::size_t length = utf8_sequence_length(value.substr(i));
            escaped += length == 0 ? std::string_view("\xef\xbf\xbd") : value.substr(i, length);
            if (length > 0) i += length - 1;
        } else if (c == '\\')
            escaped += "\\\\";
        else if (c == '"')
            escaped += "\\\"";
        else if (c == '\n')
            escaped += "\\n";
        else
            escaped += c;
    }
    return escaped;
}

std::string status_prometheus(const StatusData& data) {
    const Measurement& m = data.measurement;
    MetricsText out;
    out.family("spawngate_pids_current", "gauge",
               "Tasks (processes and threads) in the cgroup level, pids.current.");
    for (const auto& level : m.pids_levels)
        if (level.current)
            out.sample("spawngate_pids_current", label("cgroup", level.cgroup),
                       static_cast<double>(*level.current));
    out.family("spawngate_pids_max", "gauge",
               "The level's pids.max; absent where the level has no limit.");
    for (const auto& level : m.pids_levels)
        if (level.max)
            out.sample("spawngate_pids_max", label("cgroup", level.cgroup),
                       static_cast<double>(*level.max));
    // Each family's samples follow its TYPE line as one group (the text format requires it).
    const std::size_t histories = std::min(m.pids_levels.size(), data.histories.size());
    out.family("spawngate_pids_peak", "gauge", "pids.peak of the level, where the kernel has it.");
    for (std::size_t i = 0; i < histories; ++i)
        if (data.histories[i].peak)
            out.sample("spawngate_pids_peak", label("cgroup", m.pids_levels[i].cgroup),
                       static_cast<double>(*data.histories[i].peak));
    out.family("spawngate_pids_max_events_total", "counter",
               "Forks refused at the level's limit (pids.events max).");
    for (std::size_t i = 0; i < histories; ++i)
        if (data.histories[i].max_events)
            out.sample("spawngate_pids_max_events_total", label("cgroup", m.pids_levels[i].cgroup),
                       static_cast<double>(*data.histories[i].max_events));
    out.family("spawngate_host_tasks", "gauge", "Tasks counted against each host-wide limit.");
    for (const auto& host : m.host_limits)
        out.sample("spawngate_host_tasks", label("limit", host.name),
                   static_cast<double>(host.current));
    out.family("spawngate_host_tasks_limit", "gauge",
               "Host-wide task limits, when no cgroup level has one.");
    for (const auto& host : m.host_limits)
        out.sample("spawngate_host_tasks_limit", label("limit", host.name),
                   static_cast<double>(host.max));
    out.family("spawngate_processes", "gauge", "Processes in the caller's cgroup (cgroup.procs).");
    if (m.tasks.processes)
        out.sample("spawngate_processes", {}, static_cast<double>(*m.tasks.processes));
    out.family("spawngate_threads", "gauge",
               "Threads in the caller's cgroup (cgroup.threads or tasks).");
    if (m.tasks.threads) out.sample("spawngate_threads", {}, static_cast<double>(*m.tasks.threads));
    out.family("spawngate_reserved_tasks", "gauge",
               "Tasks reserved by admitted launches not yet visible.");
    out.sample("spawngate_reserved_tasks", {}, static_cast<double>(m.reserved_tasks));
    if (const MemoryLevel* memory = data.own_memory(); memory && memory->usage) {
        const std::string labels = label("cgroup", memory->cgroup);
        out.family("spawngate_memory_bytes", "gauge",
                   "Memory of the caller's cgroup by kind (file is page cache, never judged).");
        out.sample("spawngate_memory_bytes", fmt::format("{},{}", labels, label("kind", "anon")),
                   static_cast<double>(memory->usage->anon_bytes));
        out.sample("spawngate_memory_bytes", fmt::format("{},{}", labels, label("kind", "shmem")),
                   static_cast<double>(memory->usage->shmem_bytes));
        out.sample("spawngate_memory_bytes", fmt::format("{},{}", labels, label("kind", "file")),
                   static_cast<double>(memory->usage->file_bytes));
    }
    if (data.verdict.tightest_memory) {
        out.family("spawngate_memory_limit_bytes", "gauge",
                   "The memory limit nearest to being reached.");
        out.sample("spawngate_memory_limit_bytes",
                   label("cgroup", data.verdict.tightest_memory->name),
                   static_cast<double>(data.verdict.tightest_memory->max));
    }
    out.family("spawngate_verdict", "gauge",
               "The verdict for a launch now: 1 on the verdict in force.");
    for (const Level level : {Level::Allow, Level::Warn, Level::Block})
        out.sample("spawngate_verdict", label("verdict", level_name(level)),
                   data.verdict.level == level ? 1 : 0);
    if (data.verdict.tightest_pids) {
        out.family("spawngate_budget_used_ratio", "gauge",
                   "The tightest pids limit's (current + reserved + cost) / max.");
        out.sample("spawngate_budget_used_ratio", label("limit", data.verdict.tightest_pids->name),
                   data.verdict.tightest_pids->ratio());
    }
    out.family("spawngate_reaper_heartbeat_age_seconds", "gauge",
               "Seconds since the reaper's last cycle; absent without a heartbeat.");
    if (m.reaper.heartbeat)
        out.sample("spawngate_reaper_heartbeat_age_seconds", {},
                   static_cast<double>(m.reaper.age_s));
    out.family("spawngate_read_problems", "gauge", "Files that could not be read or parsed.");
    out.sample("spawngate_read_problems", {}, static_cast<double>(data.verdict.problems.size()));
    return out.text();
}

}  // namespace spawngate
