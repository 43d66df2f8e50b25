#pragma once
// Acting: signal a victim and its descendants, safely. Identity is (pid, start time): each target
// gets a pidfd, its start time is read again through /proc, and only then is it signalled, through
// pidfd_send_signal, so a pid reused by a stranger in between is never hit. Death is awaited by
// polling the pidfds (a target that has already exited returns at once). A target that ignores
// the rule's signal gets SIGKILL after the grace.
//
// Where the kernel has no pidfds (before 5.3, or a seccomp filter refuses pidfd_open), nothing is
// signalled: each target fails with the reason. kill(2) by pid, even right after a start-time
// check, leaves a window in which a recycled pid is hit.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "process_step_observer.hpp"
#include "reap_decide.hpp"
#include "root.hpp"

namespace spawngate {

enum class Outcome {
    DryRun,                // nothing sent
    ExitedAfterSignal,     // ended within the grace after the rule's signal
    KilledAfterGrace,      // ignored the signal; SIGKILL ended it
    VanishedBeforeSignal,  // gone (or its pid reused) before anything was sent: nothing to do
    Failed,                // a signal could not be sent, or it survived SIGKILL: see error
};
const char* outcome_name(Outcome outcome);  // "exited_after_signal", ...

struct TargetResult {
    ProcessRef target;
    Outcome outcome = Outcome::DryRun;
    std::vector<std::string> signals_sent;  // e.g. {"TERM", "KILL"}
    std::uint64_t elapsed_ms = 0;           // from the first signal to the observed exit
    int error = 0;                          // errno, for Failed
    std::string detail;                     // human summary of what happened
};

struct ActOptions {
    bool dry_run = false;
    bool use_pidfd = true;  // false acts as on a kernel without pidfds: nothing is signalled
    ProcessStepObserver* observer = nullptr;  // fault tests only (process_step_observer.hpp)
    std::uint64_t kill_wait_ms = 5000;        // how long to wait for SIGKILL to take effect
};

// Signals `targets` in order (descendants deepest first, then the victim) with `signal`, waits up
// to `grace_ms` for them all, then sends SIGKILL to the survivors. One result per target, in order.
std::vector<TargetResult> reap_targets(const Root& root, const std::vector<ProcessRef>& targets,
                                       int signal, std::uint64_t grace_ms,
                                       const ActOptions& options);

// The method reap_targets signals with: always "pidfd" (the log's "method" field).
const char* signal_method(const ActOptions& options);

}  // namespace spawngate
