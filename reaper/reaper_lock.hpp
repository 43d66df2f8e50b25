#pragma once
// Only one reaper acts at a time: two reapers choosing the same victims would double-signal and
// double-log. The lock is flock(2) on a file in a checked state directory (default
// /run/spawngate/reaper.lock), held for as long as the returned descriptor lives; the kernel
// drops it when the holder dies, so a killed reaper never leaves a stale lock behind.

#include <sys/types.h>

#include <string_view>

#include "problem.hpp"
#include "unique_fd.hpp"

namespace spawngate {

inline constexpr std::string_view kDefaultLockPath = "/run/spawngate/reaper.lock";

struct ReaperLock {
    enum class State { Held, Busy, Failed } state = State::Failed;
    UniqueFd fd;       // keeps the lock while open
    pid_t holder = 0;  // for Busy: the pid written by the holder, when readable
    Problem problem;   // for Failed
};

ReaperLock try_lock_reaper(std::string_view path);

}  // namespace spawngate
