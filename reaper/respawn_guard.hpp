#pragma once
// Escalation by exception. A command that keeps coming back after every reap is a respawn loop
// (field report 001: a daemon crashed and was restarted 3,751 times overnight and "always
// running" hid it). When one rule has reaped the same command line `limit` times within the
// window, the next match is not reaped: an escalation event is recorded, the command is left
// alone for the window, and an optional configured command receives the event as JSON on stdin.
//
// The counts survive between --once runs in a small JSON state file (default
// /run/spawngate/reaper.state.json); a torn or corrupt file is discarded with a warning.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "problem.hpp"

namespace spawngate {

class RespawnGuard {
  public:
    RespawnGuard(std::uint64_t limit, std::uint64_t window_ms)
        : limit_(limit), window_ms_(window_ms) {}

    enum class Verdict {
        Allow,       // reap it
        Escalate,    // the loop just crossed the limit: record the event, do not reap
        Suppressed,  // escalated earlier in this window: do not reap
    };
    Verdict check(const std::string& rule, const std::string& cmdline, std::uint64_t now_ms);
    void record_reap(const std::string& rule, const std::string& cmdline, std::uint64_t now_ms);
    // Reaps counted for this rule and command line within the window ending at `now_ms`.
    std::size_t recent_reaps(const std::string& rule, const std::string& cmdline,
                             std::uint64_t now_ms) const;

    // State file text; load returns false (and keeps an empty state) for text it cannot trust.
    std::string save() const;
    bool load(const std::string& text);

  private:
    struct History {
        std::vector<std::uint64_t> reaps_ms;
        std::uint64_t suppressed_until_ms = 0;
    };
    using Key = std::pair<std::string, std::string>;
    void prune(History& history, std::uint64_t now_ms) const;
    std::uint64_t limit_;
    std::uint64_t window_ms_;
    std::map<Key, History> histories_;
};

// Runs `argv` (no shell: argv[0] is an absolute path) with `event_json` on its stdin and its
// stdout discarded, waiting at most `timeout_ms`; a command still running then is killed. Returns
// an empty Problem on success (exit status 0).
Problem run_escalation_command(const std::vector<std::string>& argv, const std::string& event_json,
                               std::uint64_t timeout_ms = 10'000);

}  // namespace spawngate
