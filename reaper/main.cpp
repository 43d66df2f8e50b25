// spawnreaper: parse arguments, load the rules, run cycles, map the result to an exit code.
// Everything else lives in reaper_core (reap_cycle.hpp).

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "column_text.hpp"
#include "default_config.hpp"
#include "exit_codes.hpp"
#include "match_report.hpp"
#include "pidfd.hpp"
#include "quantities.hpp"
#include "reap_cycle.hpp"
#include "reap_metrics.hpp"
#include "reaper_heartbeat.hpp"
#include "reaper_lock.hpp"
#include "rule_listing.hpp"

namespace spawngate {
namespace {

constexpr const char* kDefaultConfigPath = "/etc/spawngate/reaper.toml";

struct Arguments {
    bool once = false;
    std::string watch;
    bool dry_run = false;
    std::string config_path;  // empty: the default path, falling back to the built-in rules
    std::string log_path = std::string(kDefaultLogPath);
    std::string lock_path = std::string(kDefaultLockPath);
    std::string heartbeat_path = std::string(kDefaultHeartbeatPath);
    std::string state_path = std::string(kDefaultStatePath);
    std::string interval = "2m";
    std::string metrics_path;  // empty: none
    bool quiet = false;
    bool no_pidfd = false;
    std::string match_rule;
    bool rule_names_only = false;  // `rules --names`
};

// `quiet_fallback`: say nothing when the built-in rules stand in for a missing file (for
// `rules --names`, which bash completion runs as you type).
std::optional<ReaperConfig> load_config(const Arguments& arguments, bool quiet_fallback) {
    ConfigLoad load;
    if (!arguments.config_path.empty()) {
        load = load_reaper_config(arguments.config_path);
    } else {
        struct stat info {};
        if (::stat(kDefaultConfigPath, &info) != 0 && errno == ENOENT) {
            if (!quiet_fallback)
                fmt::print(stderr,
                           "spawnreaper: no config at {}; using the built-in default rules (the "
                           "shipped reaper.toml)\n",
                           kDefaultConfigPath);
            load = parse_reaper_config(kDefaultReaperConfig, "built-in defaults");
        } else {
            load = load_reaper_config(kDefaultConfigPath);
        }
    }
    if (load.error) {
        fmt::print(stderr, "spawnreaper: config error: {}\n", load.error->text());
        return std::nullopt;
    }
    return std::move(load.config);
}

CycleOptions cycle_options(const Arguments& arguments) {
    CycleOptions options;
    options.dry_run = arguments.dry_run;
    options.use_pidfd = !arguments.no_pidfd;
    options.log_path = arguments.log_path;
    // A dry run changes nothing, not even the respawn counts.
    options.state_path = arguments.dry_run ? std::string() : arguments.state_path;
    options.summary_to_stderr = true;  // every intervention gets its line; --quiet drops the rest
    return options;
}

// Processes skipped because a /proc file could not be read: a few named, the rest counted (under
// hidepid= every other user's process is unreadable, and one line each would bury the rest).
void warn_unreadable(const std::vector<Problem>& unreadable) {
    constexpr std::size_t kNamed = 5;
    for (std::size_t i = 0; i < unreadable.size() && i < kNamed; ++i)
        fmt::print(stderr, "spawnreaper: warning: {}\n", unreadable[i].text());
    if (unreadable.size() > kNamed)
        fmt::print(stderr,
                   "spawnreaper: warning: {} more processes skipped: their /proc files could not "
                   "be read\n",
                   unreadable.size() - kNamed);
}

int report_exit_code(const CycleReport& report) {
    warn_unreadable(report.unreadable);
    for (const Problem& problem : report.problems)
        fmt::print(stderr, "spawnreaper: warning: {}\n", problem.text());
    if (report.cannot_run) return kExitCannotRun;
    if (report.failed > 0) return kExitKillFailed;
    if (!report.problems.empty()) return kExitReportFailed;
    return kExitOk;
}

std::uint64_t now_unix_s() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// One cycle plus its heartbeat; returns the exit code for this cycle.
int cycle_once(const ReaperConfig& config, const Arguments& arguments, std::uint64_t interval_ms,
               std::uint64_t cycle_number) {
    if (!arguments.dry_run && cycle_number == 1 && (arguments.no_pidfd || !pidfd_supported()))
        fmt::print(stderr,
                   "spawnreaper: warning: {}: no process will be signalled, because kill(2) by "
                   "pid could hit a recycled pid; every match is logged as failed\n",
                   arguments.no_pidfd ? "--no-pidfd"
                                      : "no pidfds here (pidfd_open: ENOSYS: Linux before 5.3 or "
                                        "a seccomp filter)");
    const CycleReport report = run_reap_cycle(config, cycle_options(arguments));
    if (!arguments.quiet)
        fmt::print(stderr,
                   "spawnreaper: cycle {}: {} processes, {} {}, {} failed, {} spared, {} "
                   "suppressed ({} ms)\n",
                   cycle_number, report.processes_scanned,
                   arguments.dry_run ? report.would_reap : report.reaped,
                   arguments.dry_run ? "would be reaped" : "reaped", report.failed, report.spared,
                   report.suppressed, report.duration_us / 1000);
    int code = report_exit_code(report);
    if (!arguments.dry_run && !arguments.metrics_path.empty() && !report.cannot_run)
        if (const Problem problem = write_metrics(arguments.metrics_path, report, now_unix_s());
            !problem.what.empty()) {
            fmt::print(stderr, "spawnreaper: warning: metrics not written: {}\n", problem.text());
            if (code == kExitOk) code = kExitReportFailed;
        }
    if (!arguments.dry_run && !arguments.heartbeat_path.empty() && !report.cannot_run) {
        ReaperHeartbeat heartbeat;
        heartbeat.time_unix_s = now_unix_s();
        heartbeat.interval_s = interval_ms / 1000;
        heartbeat.pid = ::getpid();
        heartbeat.cycle = cycle_number;
        heartbeat.reaped = report.reaped;
        heartbeat.failed = report.failed;
        if (const Problem problem = write_heartbeat(arguments.heartbeat_path, heartbeat);
            !problem.what.empty()) {
            fmt::print(stderr, "spawnreaper: warning: heartbeat not written: {}\n", problem.text());
            if (code == kExitOk) code = kExitReportFailed;
        }
    }
    return code;
}

int run_match(const ReaperConfig& config, const Arguments& arguments) {
    const Rule* rule = config.find_rule(arguments.match_rule);
    if (!rule) {
        std::vector<std::string> names;
        for (const Rule& known : config.rules) names.push_back(column_text(known.name, 0));
        fmt::print(stderr, "spawnreaper: no rule named '{}' in {}; rules: {}\n",
                   column_text(arguments.match_rule, 0), config.source, fmt::join(names, " "));
        return kExitUsage;
    }
    std::vector<Problem> problems;
    const std::vector<Decision> matches =
        match_now(config, *rule, cycle_options(arguments), problems);
    for (const Problem& problem : problems)
        fmt::print(stderr, "spawnreaper: warning: {}\n", problem.text());
    fmt::print("{}", format_match_report(*rule, matches));
    return kExitOk;
}

int run_rules(const ReaperConfig& config, const Arguments& arguments) {
    fmt::print("{}",
               arguments.rule_names_only ? format_rule_names(config) : format_rule_table(config));
    return kExitOk;
}

// Stop signals are blocked and taken synchronously between cycles, in both modes: a TERM during
// a cycle lets it finish (at most the longest grace, then SIGKILL and the wait for it), so no
// victim is left between TERM and KILL, and every signal sent is logged. Without this, a TERM
// during the grace killed a --once reaper mid-cycle with nothing logged.
sigset_t block_stop_signals() {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
    return stop_signals;
}

// The stop signal that arrived, if any (consumed), without waiting.
int take_stop_signal(const sigset_t& stop_signals) {
    const timespec now{0, 0};
    const int got = sigtimedwait(&stop_signals, nullptr, &now);
    return got > 0 ? got : 0;
}

int run_once(const ReaperConfig& config, const Arguments& arguments, std::uint64_t interval_ms,
             const sigset_t& stop_signals) {
    if (const int early = take_stop_signal(stop_signals)) {
        fmt::print(stderr, "spawnreaper: stopping on signal {} before the cycle started\n", early);
        return kExitOk;
    }
    const int code = cycle_once(config, arguments, interval_ms, 1);
    if (const int got = take_stop_signal(stop_signals))
        fmt::print(stderr,
                   "spawnreaper: signal {} arrived during the cycle; the cycle was finished "
                   "first, and logged\n",
                   got);
    return code;
}

int run_watch(const ReaperConfig& config, const Arguments& arguments, std::uint64_t interval_ms,
              const sigset_t& stop_signals) {
    int worst = kExitOk;
    for (std::uint64_t cycle = 1;; ++cycle) {
        const int code = cycle_once(config, arguments, interval_ms, cycle);
        if (code == kExitCannotRun || code == kExitKillFailed) worst = code;
        const timespec wait{static_cast<time_t>(interval_ms / 1000),
                            static_cast<long>(interval_ms % 1000) * 1'000'000};
        const int got = sigtimedwait(&stop_signals, nullptr, &wait);
        if (got > 0) {
            if (!arguments.quiet) fmt::print(stderr, "spawnreaper: stopping on signal {}\n", got);
            return worst;
        }
    }
}

}  // namespace
}  // namespace spawngate

int main(int argc, char** argv) {
    using namespace spawngate;
    Arguments arguments;
    CLI::App app{
        "spawnreaper: ends stale deploy, orphaned interpreter and leaking worker processes, "
        "safely, and logs every intervention"};
    app.set_version_flag("--version", "spawnreaper " SPAWNREAPER_VERSION,
                         "Print the version and exit");
    auto* once = app.add_flag("--once", arguments.once, "Run one cycle and exit (the default)");
    app.add_option("--watch", arguments.watch, "Run a cycle every DURATION (e.g. 2m) until stopped")
        ->excludes(once);
    app.add_flag("--dry-run", arguments.dry_run, "Decide and log every decision, send no signal");
    app.add_option(
        "--config", arguments.config_path,
        "Rules file (default /etc/spawngate/reaper.toml; built-in defaults when it is absent)");
    app.add_option("--log", arguments.log_path, "JSON-lines log; empty string: none")
        ->capture_default_str();
    app.add_option("--lock", arguments.lock_path, "Lock file: one acting reaper at a time")
        ->capture_default_str();
    app.add_option("--heartbeat", arguments.heartbeat_path,
                   "Heartbeat file written every cycle; empty: none")
        ->capture_default_str();
    app.add_option("--state", arguments.state_path, "Respawn-loop state file; empty: none")
        ->capture_default_str();
    app.add_option("--interval", arguments.interval,
                   "With --once: how often the timer runs it, recorded in the heartbeat")
        ->capture_default_str();
    app.add_option("--metrics", arguments.metrics_path,
                   "Write node_exporter textfile metrics (decisions by rule and outcome) to FILE");
    app.add_flag("--quiet", arguments.quiet,
                 "Only the per-decision lines and warnings on stderr, no per-cycle count");
    app.add_flag("--no-pidfd", arguments.no_pidfd,
                 "Act as on a kernel without pidfds: signal nothing and report why (for testing)");
    auto* match =
        app.add_subcommand("match", "List what a rule matches now, and why; acts on nothing");
    match->add_option("rule", arguments.match_rule, "Rule name")->required();
    match->fallthrough();  // --config and the rest also after the rule name
    auto* rules =
        app.add_subcommand("rules", "List the rules of the config in use; acts on nothing");
    rules->add_flag("--names", arguments.rule_names_only,
                    "Only the rule names, one a line (for shell completion)");
    rules->fallthrough();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? kExitOk : kExitUsage;
    }

    const auto interval_ms =
        parse_duration_ms(arguments.watch.empty() ? arguments.interval : arguments.watch);
    if (!interval_ms || *interval_ms < 1000) {
        fmt::print(stderr,
                   "spawnreaper: the interval must be a duration of at least 1s, like 2m or 90s\n");
        return kExitUsage;
    }
    const auto config = load_config(arguments, rules->parsed() && arguments.rule_names_only);
    if (!config) return kExitConfigError;
    if (match->parsed()) return run_match(*config, arguments);
    if (rules->parsed()) return run_rules(*config, arguments);

    const sigset_t stop_signals = block_stop_signals();
    // A dry run acts on nothing, so it neither needs nor takes the lock.
    ReaperLock lock;
    if (!arguments.dry_run) {
        lock = try_lock_reaper(arguments.lock_path);
        if (lock.state == ReaperLock::State::Busy) {
            fmt::print(stderr,
                       "spawnreaper: another reaper{} holds {} and is acting; nothing to do\n",
                       lock.holder ? fmt::format(" (pid {})", lock.holder) : std::string(),
                       arguments.lock_path);
            return kExitOk;
        }
        if (lock.state == ReaperLock::State::Failed) {
            fmt::print(stderr, "spawnreaper: cannot take the lock: {}\n", lock.problem.text());
            return kExitCannotRun;
        }
    }
    if (!arguments.watch.empty()) return run_watch(*config, arguments, *interval_ms, stop_signals);
    return run_once(*config, arguments, *interval_ms, stop_signals);
}
