#pragma once
// A seam for fault tests: told before each per-process step of a cycle (each /proc file read for
// one process, the pidfd open, the identity check and the signal), so a test can make the process
// vanish, exit, turn into a zombie or unreadable, or have its pid reused at exactly that point.
// Production passes none: one null-pointer test per step.

#include <sys/types.h>

namespace spawngate {

enum class ProcessStep {
    Comm,           // /proc/PID/comm, when every rule names its processes
    Stat,           // /proc/PID/stat
    Cmdline,        // /proc/PID/cmdline
    Exe,            // /proc/PID/exe
    Status,         // /proc/PID/status
    PidfdOpen,      // pidfd_open, after the decision
    IdentityCheck,  // /proc/PID/stat again, with the pidfd held
    Signal,         // pidfd_send_signal of the rule's signal
};

inline const char* step_name(ProcessStep step) {
    switch (step) {
        case ProcessStep::Comm:
            return "comm";
        case ProcessStep::Stat:
            return "stat";
        case ProcessStep::Cmdline:
            return "cmdline";
        case ProcessStep::Exe:
            return "exe";
        case ProcessStep::Status:
            return "status";
        case ProcessStep::PidfdOpen:
            return "pidfd_open";
        case ProcessStep::IdentityCheck:
            return "identity_check";
        case ProcessStep::Signal:
            return "signal";
    }
    return "unknown";
}

class ProcessStepObserver {
  public:
    virtual ~ProcessStepObserver() = default;
    virtual void before(ProcessStep step, pid_t pid) = 0;
};

// Tells `observer`, if there is one.
inline void notify(ProcessStepObserver* observer, ProcessStep step, pid_t pid) {
    if (observer) observer->before(step, pid);
}

}  // namespace spawngate
