#pragma once
// The reaper cycling beside the gate: the built spawnreaper run with --once back to back (a
// short pause between runs) from one thread, with a config of one rule that matches only the
// churn's marked victims: their command line carries a token unique to this run, and the rule
// is scoped to the test cgroup, so nothing outside the scenario can ever match. Its log, lock,
// heartbeat and respawn state live in the scenario's private directory, never under /run or
// /var/log, where a real reaper may be working.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <thread>

namespace spawngate::load {

struct ReaperCyclerOptions {
    std::string reaper_path;
    std::string directory;     // private, mode 0700: config, log, run/ (lock, heartbeat, state)
    std::string victim_argv0;  // the rule matches "<victim_argv0>-<n> ..." command lines
    std::string cgroup_path;   // the test cgroup as the reaper names it ("/spawngate-load-...")
    std::chrono::milliseconds pause{100};
};

struct ReaperReport {
    std::uint64_t runs = 0;
    std::map<int, std::uint64_t> exit_codes;  // exit status (128 + signal when killed) -> runs
};

class ReaperCycler {
  public:
    // Writes the config; empty error() on success. Cycling starts with start().
    explicit ReaperCycler(ReaperCyclerOptions options);
    ~ReaperCycler() { stop(); }
    ReaperCycler(const ReaperCycler&) = delete;
    ReaperCycler& operator=(const ReaperCycler&) = delete;

    const std::string& error() const { return error_; }
    void start();
    // Lets the running cycle finish, then returns the counts since start(). start() may run
    // again afterwards.
    ReaperReport stop();

    std::string log_path() const { return options_.directory + "/reaper.jsonl"; }
    std::string heartbeat_path() const { return options_.directory + "/run/reaper.heartbeat"; }
    std::string stderr_path() const { return options_.directory + "/reaper.stderr"; }
    static constexpr const char* kRuleName = "load-victim";

  private:
    void run();

    ReaperCyclerOptions options_;
    std::string config_path_;
    std::string error_;
    ReaperReport report_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace spawngate::load
