#include "auto_reap.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include "default_config.hpp"
#include "reap_cycle.hpp"
#include "reap_log.hpp"
#include "reaper_lock.hpp"

namespace spawngate {
namespace {

// The reaper's configured rules, or its built-in ones where no config file exists (as the
// reaper itself does).
ConfigLoad load_rules(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 && errno == ENOENT)
        return parse_reaper_config(kDefaultReaperConfig, "built-in reaper rules");
    return load_reaper_config(path);
}

}  // namespace

AutoReapResult auto_reap(const GateSettings& settings) {
    AutoReapResult result;
    const ConfigLoad rules = load_rules(settings.reaper_config);
    if (!rules.config) {
        result.notes.push_back(
            {"auto-reap", fmt::format("skipped: the reaper's config is unusable: {}",
                                      rules.error ? rules.error->text() : "unknown error")});
        return result;
    }
    const ReaperLock lock = try_lock_reaper(settings.reaper_lock);
    if (lock.state == ReaperLock::State::Busy) {
        result.notes.push_back(
            {"auto-reap",
             fmt::format("skipped: a reaper is acting right now (pid {})", lock.holder)});
        return result;
    }
    if (lock.state == ReaperLock::State::Failed) {
        result.notes.push_back({"auto-reap", fmt::format("skipped: {}", lock.problem.text())});
        return result;
    }
    CycleOptions options;
    options.root = settings.root;
    options.summary_to_stderr = false;  // the gate reports, in its own protocol
    options.max_grace_ms = settings.auto_reap_grace_ms;
    options.log_path = settings.reaper_log;
    options.state_path = settings.reaper_state;
    options.self_pid = ::getpid();
    const CycleReport report = run_reap_cycle(*rules.config, options);
    result.ran = !report.cannot_run;
    result.reaped = report.reaped;
    result.failed = report.failed;
    for (const auto& record : report.records) {
        if (record.action != Action::Reap) continue;
        // The reaper's own summary, without its "spawnreaper: " prefix: the gate names itself.
        std::string summary = format_summary(record);
        if (summary.starts_with("spawnreaper: ")) summary.erase(0, 13);
        result.notes.push_back({"auto-reap", std::move(summary)});
    }
    for (const auto& problem : report.problems) result.notes.push_back(problem);
    if (result.ran && report.records.empty())
        result.notes.push_back({"auto-reap", "no process matched the reaper's rules"});
    return result;
}

}  // namespace spawngate
