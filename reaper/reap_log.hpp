#pragma once
// Every intervention logged: one JSON line per decision (see README "Log format" for the fields),
// appended to the log file, and a one-line human summary on stderr. A log that cannot be written
// never stops the reaping: the failure is returned as a Problem for the cycle report.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "problem.hpp"
#include "reap_act.hpp"
#include "reap_decide.hpp"
#include "unique_fd.hpp"

namespace spawngate {

enum class Action {
    Reap,        // signals were sent (or attempted)
    DryRun,      // --dry-run: decided, nothing sent
    Spared,      // a rule matched a process a hard exclusion protects
    Suppressed,  // the rule's respawn loop for this command line was escalated; left alone
};
const char* action_name(Action action);

struct DecisionRecord {
    Decision decision;
    Action action = Action::Reap;
    std::uint64_t time_unix_ms = 0;
    std::string method;                 // "pidfd" or "kill" (the fallback), empty when nothing sent
    std::vector<TargetResult> results;  // descendants deepest first, the victim last
    std::vector<TargetResult> added;    // processes the tree started during the action
    std::vector<SparedProcess> spared_added;  // ... that an exclusion kept
    std::optional<std::string> left_alive;    // part of the tree may still run: why
    std::string user;                         // the victim's user name, or its uid as text
    std::string signal;                       // the rule's signal ("TERM"), sent or (dry run) not
    std::uint64_t grace_ms = 0;               // the rule's grace before KILL

    const TargetResult* victim_result() const {
        return results.empty() ? nullptr : &results.back();
    }
    bool failed() const;  // any target Failed, or part of the tree left alive
};

// The JSON line (without the newline). Invalid UTF-8 in names and command lines is replaced, not
// allowed to abort the cycle.
std::string format_log_line(const DecisionRecord& record);

// "spawnreaper: rule stale-deploy: pid 4242 (deploy) age 340s: TERM -> exited after TERM in 12 ms"
std::string format_summary(const DecisionRecord& record);

// "2026-11-25T14:41:18.123Z"
std::string iso8601_utc(std::uint64_t unix_ms);

// The user's name, or the uid as text where it has none; empty when the uid is unknown.
std::string user_name(std::optional<uid_t> uid);

// An append-only JSON-lines file, opened once per cycle. The file is created 0640 and never
// reached through a symlink; its directory is created when missing.
class DecisionLog {
  public:
    explicit DecisionLog(std::string path) : path_(std::move(path)) {}
    // Appends one line; returns an empty Problem on success.
    Problem append(const std::string& line);
    const std::string& path() const { return path_; }

  private:
    Problem open();
    std::string path_;
    UniqueFd fd_;
    bool starts_mid_line_ = false;  // the file does not end with a newline (a torn last line)
};

}  // namespace spawngate
