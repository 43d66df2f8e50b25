#pragma once
// Processes that come and go in the test cgroup while the gate is being called: short-lived
// workloads of 1-3 tasks that end by themselves within tens of milliseconds (so pids.current
// moves under the gate's feet), and, every so often, a marked long-lived "victim" whose command
// line only the load test's reaper rule matches, so the reaper has real work in every cycle.
// One thread starts and reaps them all.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "spawned_children.hpp"

namespace spawngate::load {

struct ChurnOptions {
    std::string holder_path;   // the load_task_holder executable
    std::string procs_file;    // cgroup.procs of the test cgroup
    std::string victim_argv0;  // "loadvictim-<token>"; each victim adds "-<n>"
    std::size_t short_lived_at_once = 6;
    std::chrono::milliseconds victim_every{200};
};

struct ChurnReport {
    std::uint64_t short_lived_started = 0;
    std::uint64_t short_lived_unclean = 0;  // ended other than by exit 0 (refused tasks, signal)
    std::uint64_t spawn_failures = 0;
    std::uint64_t victims_started = 0;
    std::vector<EndedChild> victims;  // every victim, with how it ended
};

class ProcessChurn {
  public:
    explicit ProcessChurn(ChurnOptions options);
    ~ProcessChurn() { stop(); }
    ProcessChurn(const ProcessChurn&) = delete;
    ProcessChurn& operator=(const ProcessChurn&) = delete;

    // Stops starting processes, SIGKILLs whatever still runs (the victims the reaper has not
    // ended), reaps everything, and returns what happened. Idempotent.
    ChurnReport stop();

  private:
    void run();

    ChurnOptions options_;
    ChurnReport report_;
    SpawnedChildren children_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Tags of SpawnedChildren entries.
inline constexpr int kShortLivedTag = 0;
inline constexpr int kVictimTag = 1;

}  // namespace spawngate::load
