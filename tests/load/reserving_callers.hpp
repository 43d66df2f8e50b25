#pragma once
// Concurrent launchers, each a loop of what `spawngate-launch --cost K -- agent` does: run the
// built gate inside the test cgroup with `--reserve --cost K --json`, and on admission (exit 0)
// launch a workload of K tasks there that holds them for a while and ends. The launched tasks
// are what absorbs the reservations, as a real agent's would; without them every reservation
// would count until it expired.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scoped_pids_cgroup.hpp"

namespace spawngate::load {

// One gate run, as the caller saw it.
struct GateCall {
    std::uint64_t cost = 0;
    int exit_code = -1;   // -1 when it did not exit normally
    std::string failure;  // the runner's own failure: spawn, join, hang, signal
    std::string stdout_text;
    std::string stderr_text;
    std::uint64_t started_ms = 0;  // CLOCK_BOOTTIME before the fork, after the wait
    std::uint64_t ended_ms = 0;
    double elapsed_us = 0;
};

struct CallerOptions {
    std::string gate_path;
    std::vector<std::string> gate_arguments;  // everything but --cost
    std::vector<std::uint64_t> costs;         // caller i uses costs[i % size]
    std::size_t callers = 6;
    std::uint64_t total_calls = 0;          // 0: until stop()
    std::chrono::milliseconds deadline{0};  // 0: none; else stop starting calls after it
    std::string holder_path;                // load_task_holder
    unsigned hold_ms_min = 100, hold_ms_max = 400;
    bool keep_calls = true;  // the test keeps every answer; the bench only counts
};

struct CallerReport {
    std::vector<GateCall> calls;  // every call, when keep_calls
    std::uint64_t calls_made = 0;
    std::uint64_t admitted = 0;  // exit 0
    std::uint64_t blocked = 0;   // exit 2
    std::uint64_t other = 0;     // anything else
    std::uint64_t launches = 0;
    std::uint64_t launch_failures = 0;  // could not spawn, or had tasks refused at the limit
    bool deadline_hit = false;
};

class ReservingCallers {
  public:
    ReservingCallers(const integration::ScopedPidsCgroup& cgroup, CallerOptions options);
    ~ReservingCallers() { wait(); }
    ReservingCallers(const ReservingCallers&) = delete;
    ReservingCallers& operator=(const ReservingCallers&) = delete;

    // Asks the loops to finish the call they are in; wait() collects them.
    void stop() { stopping_.store(true); }
    // Waits for the loops to end, kills the workloads they launched that still hold their
    // tasks, and returns the report.
    CallerReport wait();

  private:
    void run(std::size_t caller);
    bool claim_call();

    const integration::ScopedPidsCgroup& cgroup_;
    CallerOptions options_;
    std::chrono::steady_clock::time_point deadline_;
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> claimed_{0};
    std::mutex mutex_;  // guards report_
    CallerReport report_;
    std::vector<std::thread> threads_;
};

}  // namespace spawngate::load
