#pragma once
// spawnreaper's exit codes (README "Exit codes"). Nothing to do and reaped-successfully are both
// success: a timer unit turns red only when something needs a human.

namespace spawngate {

enum ExitCode : int {
    kExitOk = 0,            // cycle ran; nothing failed (also: another reaper holds the lock)
    kExitKillFailed = 1,    // a victim could not be signalled or survived SIGKILL
    kExitConfigError = 2,   // the config is invalid (message names the rule, key and line)
    kExitUsage = 3,         // bad command line, or `match` with an unknown rule
    kExitCannotRun = 4,     // /proc unreadable, or the lock/state directory unusable
    kExitReportFailed = 5,  // reaping went fine; log, heartbeat, metrics or state not written
};

}  // namespace spawngate
