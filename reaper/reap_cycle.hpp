#pragma once
// One reap cycle: read -> decide -> act -> log. This is the library entry point both the
// spawnreaper executable and the gate's in-process auto-reap call (no fork: it must work when the
// task budget is exhausted and nothing new can start).
//
//   const ConfigLoad load = load_reaper_config("/etc/spawngate/reaper.toml");
//   CycleOptions options;                       // production defaults
//   const CycleReport report = run_reap_cycle(*load.config, options);
//
// The caller holds the reaper lock (try_lock_reaper) if it must not race a running reaper.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "problem.hpp"
#include "process_step_observer.hpp"
#include "reap_act.hpp"
#include "reap_config.hpp"
#include "reap_log.hpp"

namespace spawngate {

inline constexpr std::string_view kDefaultLogPath = "/var/log/spawngate/reaper.jsonl";
inline constexpr std::string_view kDefaultStatePath = "/run/spawngate/reaper.state.json";

struct CycleOptions {
    std::string root = "/";  // the directory standing in for "/"
    bool dry_run = false;    // decide and log, send nothing
    bool use_pidfd = true;   // false: as on a kernel without pidfds (nothing is signalled)
    std::string log_path = std::string(kDefaultLogPath);      // empty: no log file
    std::string state_path = std::string(kDefaultStatePath);  // respawn counts; empty: none kept
    bool summary_to_stderr = true;                            // one human line per decision
    pid_t self_pid = 0;                                       // 0: getpid()
    // Caps every rule's grace: the gate's auto-reap runs on a launch path and must not wait a
    // rule's full grace before answering (the victims get SIGKILL sooner instead).
    std::uint64_t max_grace_ms = UINT64_MAX;
    // Fault tests only: told before each per-process read and act step (process_step_observer.hpp).
    ProcessStepObserver* observer = nullptr;
};

struct CycleReport {
    std::vector<DecisionRecord> records;
    std::size_t processes_scanned = 0;
    std::size_t reaped = 0;  // victims whose signals ended them
    std::size_t failed = 0;  // decisions with a target that could not be ended
    std::size_t spared = 0;
    std::size_t suppressed = 0;  // including the decision that escalated
    std::size_t escalations = 0;
    std::size_t would_reap = 0;     // dry run
    std::vector<Problem> problems;  // log, state, cgroup and escalation failures (reaping went on)
    // Processes left out of every decision: gone mid-scan (ordinary; not reported), or with a
    // /proc file that could not be read, was empty or did not parse (reported as a warning; they
    // are never signalled on partial data). Neither changes the exit code.
    std::vector<pid_t> vanished;
    std::vector<Problem> unreadable;
    bool cannot_run = false;  // /proc unreadable: nothing was decided
    std::uint64_t duration_us = 0;
};

CycleReport run_reap_cycle(const ReaperConfig& config, const CycleOptions& options);

// What `spawnreaper match RULE` shows: every process the rule matches now and why, including the
// ones a hard exclusion spares. Reads like a cycle, decides with that rule alone, acts on nothing.
std::vector<Decision> match_now(const ReaperConfig& config, const Rule& rule,
                                const CycleOptions& options, std::vector<Problem>& problems);

}  // namespace spawngate
