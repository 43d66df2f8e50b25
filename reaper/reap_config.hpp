#pragma once
// The reaper's rules, from TOML (reaper/reaper.toml documents every key). Parsing is strict: an
// unknown key is a typo that would silently widen or disable a rule, so it is an error, and every
// error names the rule, the key and the line.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pattern.hpp"

namespace spawngate {

// Where a rule's processes must live: the reaper's own cgroup subtree, or a named cgroup (a path
// in the pids hierarchy, e.g. "/agents") and its subtree.
struct CgroupScope {
    bool own_subtree = false;  // cgroup = "self"
    std::string path;          // otherwise the named cgroup
};

struct Rule {
    std::string name;
    int line = 0;  // where the [[rule]] starts, for messages

    // Matchers: every one that is set must hold.
    std::optional<Pattern> process_name;  // regex on comm (at most 15 bytes)
    std::optional<Pattern> exe;           // regex on the /proc/PID/exe target
    std::optional<Pattern> cmdline;       // regex on argv joined by spaces
    // regex on the program's base name: the script an interpreter runs, the module of
    // `python -m`, the target of a task runner, else argv[0] (program_name.hpp)
    std::optional<Pattern> program;
    std::optional<std::uint64_t> older_than_ms;
    bool orphan = false;                // parent is init or a configured subreaper
    bool skip_session_leaders = false;  // daemons lead their own session; orphans do not
    std::optional<uid_t> user;          // this user only; also allows another user's processes
    std::string user_name;              // as written, for messages
    std::optional<CgroupScope> cgroup;
    std::optional<std::uint64_t> anon_memory_above_bytes;
    std::optional<std::uint64_t> threads_above;

    // Actions.
    int signal = 15;                  // SIGTERM
    std::uint64_t grace_ms = 10'000;  // before SIGKILL
    bool descendants = false;         // the victim's descendants go too

    bool needs_status() const { return anon_memory_above_bytes.has_value(); }
    bool needs_cmdline() const { return cmdline.has_value() || program.has_value(); }
    bool needs_exe() const { return exe.has_value(); }
};

struct ReaperSettings {
    std::vector<std::string> protect_names;  // exact process names (comm) never reaped
    std::vector<Pattern> protect_cmdlines;   // command lines never reaped
    std::vector<std::string> subreapers;     // names of processes that adopt orphans (tini, ...)
    std::uint64_t respawn_limit = 3;         // reaps of one command line by one rule ...
    std::uint64_t respawn_window_ms =
        std::uint64_t{30} * 60'000;               // ... within this window, then escalate
    std::vector<std::string> escalation_command;  // argv; gets the event as JSON on stdin
};

struct ReaperConfig {
    ReaperSettings settings;
    std::vector<Rule> rules;
    std::string source;  // the file it came from, or "built-in defaults"

    const Rule* find_rule(std::string_view name) const;
};

struct ConfigError {
    std::string source;
    int line = 0;
    std::string rule;  // empty outside a rule
    std::string key;   // empty when the error is not about one key
    std::string message;
    std::string text() const;  // "reaper.toml:12: rule 'x', key 'older_than': ..."
};

struct ConfigLoad {
    std::optional<ReaperConfig> config;
    std::optional<ConfigError> error;
};

// Parses config text; `source` names it in errors.
ConfigLoad parse_reaper_config(std::string_view text, const std::string& source);

// Reads and parses a file. Refuses a file other users can write (the reaper runs as root and
// sends SIGKILL on what it says).
ConfigLoad load_reaper_config(const std::string& path);

// A signal name ("TERM", "SIGTERM", "KILL", "INT", "HUP", "QUIT", "USR1", "USR2") or nullopt.
std::optional<int> parse_signal_name(std::string_view name);
const char* signal_name(int signal);

}  // namespace spawngate
