#pragma once
// Everything the gate can be told, with its defaults. Filled from four sources in rising
// precedence: defaults < config file < SPAWNGATE_* environment < command-line flags.

#include <cstdint>
#include <optional>
#include <string>

namespace spawngate {

enum class HookProtocol { None, ClaudePre, ClaudePost, Gemini, GeminiPost, Codex };

struct Thresholds {
    double warn_ratio = 0.70;         // field report 003: "visible warning, spawn still proceeds"
    double block_ratio = 0.85;        // field report 003: "block if still critical"
    std::uint64_t thread_warn = 400;  // cgroup counts threads as pids: 2 agents x 30 threads
    double memory_warn_ratio = 0.80;
    double memory_block_ratio = 0.90;
    double context_block_ratio =
        0.80;  // field report 003: "block new spawns when context is bloated"
};

struct GateSettings {
    Thresholds thresholds;
    std::uint64_t cost = 1;               // tasks this launch will add
    std::optional<std::uint64_t> budget;  // an explicit task budget: one more level
    bool fail_closed = false;             // block when the budget cannot be measured
    HookProtocol hook = HookProtocol::None;
    bool json = false;
    bool reserve = false;                  // record an admitted launch in the ledger
    std::uint64_t reservation_ttl_s = 60;  // how long a reservation counts at most
    std::string state_dir;                 // ledger directory; empty: the default
    // The agent's context window when the session's model does not say (context_window.hpp).
    std::optional<std::uint64_t> context_window_tokens;
    std::string reaper_heartbeat = "/run/spawngate/reaper.heartbeat";  // written by spawnreaper
    // Worker cap (field report 003: "max concurrent workers: 3 per container"): block a launch
    // when this many processes matching worker_pattern already run in the caller's cgroup.
    std::uint64_t max_workers = 0;                                   // 0: no cap
    std::string worker_pattern = "(^|/)(claude|codex|gemini)( |$)";  // on the joined argv
    // Auto-reap at critical: on a block, run one reaper cycle in-process, then judge again.
    bool auto_reap = false;
    std::string reaper_config = "/etc/spawngate/reaper.toml";
    std::uint64_t auto_reap_grace_ms = 2000;  // caps each rule's grace on the launch path
    // The reaper's own log, lock and respawn state by default, so an auto-reap is logged like any
    // reap, never races a running reaper, and counts towards its respawn escalation.
    std::string reaper_log = "/var/log/spawngate/reaper.jsonl";
    std::string reaper_lock = "/run/spawngate/reaper.lock";
    std::string reaper_state = "/run/spawngate/reaper.state.json";
    std::string root = "/";       // the directory standing in for "/" (tests)
    std::string prometheus_file;  // status: write textfile metrics here ("-": stdout)
    // Which tool calls are launches, per protocol (hooks/launch_table.hpp); empty: the shipped
    // table.
    std::string claude_launches;
    std::string gemini_launches;
    std::string codex_launches;
};

}  // namespace spawngate
