#pragma once
// Acting: signal each victim's tree, safely, and leave none of it behind.
//
// Identity is (pid, start time): each target gets a pidfd, its start time is read again through
// /proc, and only then is it signalled, through pidfd_send_signal, so a pid reused by a stranger
// in between is never hit. Death is awaited by polling the pidfds (a target that has already
// exited returns at once). A target that ignores the rule's signal gets SIGKILL after the grace.
//
// A tree can grow while it is being reaped: a TERM-ignoring loop forks during the grace, a
// supervisor restarts the child it just lost. So after the grace the survivors are stopped
// (SIGSTOP: a stopped process cannot fork), and /proc is swept for what the trees started since
// the snapshot (tree_sweep.hpp); each newcomer is judged by the same exclusions as a descendant,
// held by pidfd and stopped too, until a sweep finds nothing new. Only then does SIGKILL go out,
// to a tree that can no longer change.
//
// Where the kernel has no pidfds (before 5.3, or a seccomp filter refuses pidfd_open), nothing is
// signalled: each target fails with the reason. kill(2) by pid, even right after a start-time
// check, leaves a window in which a recycled pid is hit.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "boot_time.hpp"
#include "process_snapshot.hpp"
#include "process_step_observer.hpp"
#include "reap_decide.hpp"
#include "root.hpp"

namespace spawngate {

enum class Outcome {
    DryRun,                // nothing sent
    ExitedAfterSignal,     // ended within the grace after the rule's signal
    KilledAfterGrace,      // ignored the signal; SIGKILL ended it
    KilledAsNewcomer,      // started by the tree during the action; stopped, then killed
    VanishedBeforeSignal,  // gone (or its pid reused) before anything was sent: nothing to do
    Failed,                // a signal could not be sent, or it survived SIGKILL: see error
};
const char* outcome_name(Outcome outcome);  // "exited_after_signal", ...

struct TargetResult {
    ProcessRef target;
    Outcome outcome = Outcome::DryRun;
    std::vector<std::string> signals_sent;  // e.g. {"TERM", "STOP", "KILL"}
    // From this target's own first signal to its observed exit; 0 is a value (it died at once),
    // absent when no exit was observed.
    std::optional<std::uint64_t> elapsed_ms;
    int error = 0;              // errno, for Failed
    std::string detail;         // human summary of what happened
    std::string added_because;  // for a newcomer: how the sweep tied it to the tree
};

// One decision's tree.
struct TreeToReap {
    std::vector<ProcessRef> targets;  // descendants deepest first, the victim last
    // Judges a process this tree started during the action (its stat is read; it reads the rest
    // it needs). None: it is signalled like the tree; anything else spares it.
    std::function<Exclusion(ProcessInfo&)> judge_newcomer;
};

struct TreeResult {
    std::vector<TargetResult> results;        // one per target, in order
    std::vector<TargetResult> added;          // newcomers the sweep found and ended
    std::vector<SparedProcess> spared_added;  // newcomers an exclusion kept
    // Set when part of the tree may still be alive: the sweep met its bound while the tree was
    // still growing. The cycle reports it and does not exit 0.
    std::optional<std::string> left_alive;
};

struct ActOptions {
    bool dry_run = false;
    bool use_pidfd = true;  // false acts as on a kernel without pidfds: nothing is signalled
    ProcessStepObserver* observer = nullptr;  // fault tests only (process_step_observer.hpp)
    std::uint64_t kill_wait_ms = 5000;        // how long to wait for SIGKILL to take effect
    // For the sweep: the cycle's snapshot (what existed before the action), the clock it was
    // read with, and the processes that adopt orphans besides PID 1. Without a snapshot, no
    // sweep is made (a caller acting on bare pids).
    const Snapshot* snapshot = nullptr;
    BootClock clock;
    std::vector<std::string> subreapers;
};

// Signals every tree's targets in order (descendants deepest first, then the victim) with
// `signal`, waits up to `grace_ms` for them all, stops the survivors, sweeps for newcomers, then
// sends SIGKILL to everything still alive. One result per tree, in order.
std::vector<TreeResult> reap_trees(const Root& root, const std::vector<TreeToReap>& trees,
                                   int signal, std::uint64_t grace_ms, const ActOptions& options);

// The method reap_trees signals with: always "pidfd" (the log's "method" field).
const char* signal_method(const ActOptions& options);

}  // namespace spawngate
