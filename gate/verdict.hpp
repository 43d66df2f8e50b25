#pragma once
// The decide step: a pure function from a Measurement and the settings to a verdict. It touches
// nothing, so every rule here is tested without fixture trees.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "measurement.hpp"
#include "settings.hpp"

namespace spawngate {

enum class Level { Allow = 0, Warn = 1, Block = 2 };

// One limit judged: a cgroup level, the explicit budget or a host limit.
struct JudgedLimit {
    enum class Kind {
        CgroupPids,
        Budget,
        Host,
        CgroupMemory,
        Context,
        Workers
    } kind = Kind::CgroupPids;
    std::string name;            // cgroup path, "--budget", "kernel.pid_max", ...
    std::string directory;       // for cgroup levels: the directory the numbers came from
    std::uint64_t current = 0;   // for pids: tasks now (without the cost); memory: bytes
    std::uint64_t reserved = 0;  // pids: earlier admitted launches not yet visible in current
    std::uint64_t added = 0;     // the launch's cost counted on top
    std::uint64_t max = 0;
    double ratio() const;  // (current + reserved + added) / max
    Level level = Level::Allow;
};

struct Verdict {
    Level level = Level::Allow;
    std::optional<JudgedLimit> tightest_pids;    // the limit that decided the pids verdict
    std::optional<JudgedLimit> tightest_memory;  // the memory level nearest its limit
    std::optional<JudgedLimit> context;          // the agent's context window, when read
    std::optional<JudgedLimit> workers;          // the worker cap, when set
    std::vector<JudgedLimit> limits;             // every limit judged, tightest pids first
    std::optional<std::uint64_t> threads;        // threads in the caller's cgroup
    bool threads_over_warn = false;
    std::string reaper_stale;  // why the reaper looks stopped, when it does (a warn-level concern)
    bool unmeasured = false;   // no limit of any kind could be read: the failure policy decides
    bool incomplete = false;   // some reads failed; the verdict stands on the rest
    std::vector<Problem> problems;
};

Verdict decide(const Measurement& measurement, const GateSettings& settings);

const char* level_name(Level level);

}  // namespace spawngate
