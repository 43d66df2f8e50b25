#pragma once
// Auto-reap at critical (field report 003: "auto-reap attempted, then block if still critical"):
// when a launch would be blocked, the gate runs one reaper cycle in its own process -- the
// reaper's configured rules, the same code, no fork, so it works even when nothing new can
// start -- and then judges the launch again. Every intervention lands in the reaper's log like
// any reap. A reaper already running holds the lock, and then the gate leaves the reaping to it.

#include <cstddef>
#include <vector>

#include "problem.hpp"
#include "settings.hpp"

namespace spawngate {

struct AutoReapResult {
    bool ran = false;        // a cycle ran (the lock was free and the rules loaded)
    std::size_t reaped = 0;  // processes ended
    std::size_t failed = 0;
    std::vector<Problem> notes;  // what happened, for stderr: one line per intervention
};

AutoReapResult auto_reap(const GateSettings& settings);

}  // namespace spawngate
