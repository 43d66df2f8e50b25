#include "setting_table.hpp"

#include <array>
#include <charconv>

#include "hot_path.hpp"
#include "launch_table.hpp"
#include "pattern.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

// "70", "72.5" or "70%": a percentage from 0 to 100, returned as a ratio.
std::optional<double> parse_percent(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text.back() == '%') text.remove_suffix(1);
    if (text.empty() || text.front() == '-' || text.front() == '+') return std::nullopt;
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (!(value >= 0.0 && value <= 100.0)) return std::nullopt;
    return value / 100.0;
}

std::optional<bool> parse_bool(std::string_view text) {
    text = trim(text);
    if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
    if (text == "0" || text == "false" || text == "no" || text == "off") return false;
    return std::nullopt;
}

// A count from 0 up to a sane bound (more than pid_max can ever be is a typo).
std::optional<std::uint64_t> parse_count(std::string_view text) {
    const auto value = parse_u64(text);
    if (!value || *value > 100'000'000) return std::nullopt;
    return value;
}

std::string set_percent(double& field, std::string_view value) {
    const auto ratio = parse_percent(value);
    if (!ratio) return "must be a percentage from 0 to 100 (e.g. 70 or 72.5)";
    field = *ratio;
    return {};
}

std::string set_count(std::uint64_t& field, std::string_view value) {
    const auto count = parse_count(value);
    if (!count) return "must be a whole number from 0 to 100000000";
    field = *count;
    return {};
}

// A launch table (hooks/launch_table.hpp), checked when it is set so a typo is a usage error
// naming the key, not a table that silently matches nothing.
std::string set_launch_table(std::string& field, std::string_view value) {
    std::string error;
    if (!parse_launch_table(value, error)) return "not a launch table: " + error;
    field = std::string(value);
    return {};
}

std::string set_absolute_path(std::string& field, std::string_view value) {
    if (value.empty() || value.front() != '/') return "must be an absolute path";
    field = std::string(value);
    return {};
}

const std::array kTable{
    SettingSpec{"--cost", "SPAWNGATE_COST", "cost", "N",
                "tasks (processes + threads) this launch will add; the verdict uses current + N",
                [](GateSettings& s, std::string_view v) { return set_count(s.cost, v); }},
    SettingSpec{"--warn", "SPAWNGATE_WARN", "warn_percent", "PERCENT",
                "warn at or above this share of a pids limit (default 70)",
                [](GateSettings& s, std::string_view v) {
                    return set_percent(s.thresholds.warn_ratio, v);
                }},
    SettingSpec{"--block", "SPAWNGATE_BLOCK", "block_percent", "PERCENT",
                "block at or above this share of a pids limit (default 85)",
                [](GateSettings& s, std::string_view v) {
                    return set_percent(s.thresholds.block_ratio, v);
                }},
    SettingSpec{
        "--thread-warn", "SPAWNGATE_THREAD_WARN", "thread_warn", "N",
        "warn when the caller's cgroup holds more than N threads (default 400)",
        [](GateSettings& s, std::string_view v) { return set_count(s.thresholds.thread_warn, v); }},
    SettingSpec{"--memory-warn", "SPAWNGATE_MEMORY_WARN", "memory_warn_percent", "PERCENT",
                "warn at or above this share of a memory limit, anon + shmem (default 80)",
                [](GateSettings& s, std::string_view v) {
                    return set_percent(s.thresholds.memory_warn_ratio, v);
                }},
    SettingSpec{"--memory-block", "SPAWNGATE_MEMORY_BLOCK", "memory_block_percent", "PERCENT",
                "block at or above this share of a memory limit (default 90)",
                [](GateSettings& s, std::string_view v) {
                    return set_percent(s.thresholds.memory_block_ratio, v);
                }},
    SettingSpec{"--budget", "SPAWNGATE_BUDGET", "budget", "N",
                "an explicit task budget, judged as one more level (for limits set above a "
                "container's visible cgroup root)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto count = parse_count(v);
                    if (!count || *count == 0) return "must be a whole number from 1 to 100000000";
                    s.budget = *count;
                    return {};
                }},
    SettingSpec{"--fail-closed", "SPAWNGATE_FAIL_CLOSED", "fail_closed", "",
                "block when the budget cannot be measured (default: allow with a warning)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto on = parse_bool(v);
                    if (!on) return "must be true or false (also 1/0, yes/no, on/off)";
                    s.fail_closed = *on;
                    return {};
                }},
    SettingSpec{"--context-window", "SPAWNGATE_CONTEXT_WINDOW", "context_window_tokens", "TOKENS",
                "the agent's context window, for the context budget of --hook claude, where the "
                "session's model does not tell it (a [1m] model id is 1000000; unknown: warn only)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto tokens = parse_u64(v);
                    if (!tokens || *tokens < 1000 || *tokens > 100'000'000)
                        return "must be a number of tokens from 1000 to 100000000";
                    s.context_window_tokens = *tokens;
                    return {};
                }},
    SettingSpec{"--context-block", "SPAWNGATE_CONTEXT_BLOCK", "context_block_percent", "PERCENT",
                "block subagent launches when the session's context window is this full "
                "(default 80)",
                [](GateSettings& s, std::string_view v) {
                    return set_percent(s.thresholds.context_block_ratio, v);
                }},
    SettingSpec{"--reaper-heartbeat", "SPAWNGATE_REAPER_HEARTBEAT", "reaper_heartbeat", "FILE",
                "the reaper's heartbeat file; the gate warns when it is three cycles old "
                "(default /run/spawngate/reaper.heartbeat)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    if (v.empty() || v.front() != '/') return "must be an absolute path";
                    s.reaper_heartbeat = std::string(v);
                    return {};
                }},
    SettingSpec{"--max-workers", "SPAWNGATE_MAX_WORKERS", "max_workers", "N",
                "block a launch when N processes matching the worker pattern already run in the "
                "caller's cgroup (0: no cap, the default)",
                [](GateSettings& s, std::string_view v) { return set_count(s.max_workers, v); }},
    SettingSpec{"--worker-pattern", "SPAWNGATE_WORKER_PATTERN", "worker_pattern", "REGEX",
                "what counts as a worker: an extended regex on the command line (default "
                "'(^|/)(claude|codex|gemini)( |$)')",
                [](GateSettings& s, std::string_view v) -> std::string {
                    std::string error;
                    const auto pattern = Pattern::compile(std::string(v), error);
                    if (!pattern) return "not a valid extended regex: " + error;
                    if (v.empty() || pattern->matches_everything())
                        return "matches every command line; name the workers";
                    s.worker_pattern = std::string(v);
                    return {};
                }},
    SettingSpec{"--auto-reap", "SPAWNGATE_AUTO_REAP", "auto_reap", "",
                "on a block, run one reaper cycle in-process (the reaper's rules, logged like "
                "any reap) and admit if the budget is back under the block level",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto on = parse_bool(v);
                    if (!on) return "must be true or false (also 1/0, yes/no, on/off)";
                    s.auto_reap = *on;
                    return {};
                }},
    SettingSpec{"--reaper-config", "SPAWNGATE_REAPER_CONFIG", "reaper_config", "FILE",
                "the reaper's rules for --auto-reap (default /etc/spawngate/reaper.toml; the "
                "built-in rules when it does not exist)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    if (v.empty() || v.front() != '/') return "must be an absolute path";
                    s.reaper_config = std::string(v);
                    return {};
                }},
    SettingSpec{"--auto-reap-grace", "SPAWNGATE_AUTO_REAP_GRACE_MS", "auto_reap_grace_ms", "MS",
                "the longest an auto-reap waits before SIGKILL, whatever a rule's grace "
                "(default 2000)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto ms = parse_count(v);
                    if (!ms || *ms > 60'000) return "must be milliseconds from 0 to 60000";
                    s.auto_reap_grace_ms = *ms;
                    return {};
                }},
    SettingSpec{
        "--reaper-log", "SPAWNGATE_REAPER_LOG", "reaper_log", "FILE",
        "the reaper's JSON-lines log, where --auto-reap records its interventions "
        "(default /var/log/spawngate/reaper.jsonl)",
        [](GateSettings& s, std::string_view v) { return set_absolute_path(s.reaper_log, v); }},
    SettingSpec{
        "--reaper-lock", "SPAWNGATE_REAPER_LOCK", "reaper_lock", "FILE",
        "the reaper's lock: --auto-reap skips reaping while a reaper holds it (default "
        "/run/spawngate/reaper.lock)",
        [](GateSettings& s, std::string_view v) { return set_absolute_path(s.reaper_lock, v); }},
    SettingSpec{
        "--reaper-state", "SPAWNGATE_REAPER_STATE", "reaper_state", "FILE",
        "the reaper's respawn-loop counts, kept by --auto-reap too (default "
        "/run/spawngate/reaper.state.json)",
        [](GateSettings& s, std::string_view v) { return set_absolute_path(s.reaper_state, v); }},
    SettingSpec{"--reserve", "SPAWNGATE_RESERVE", "reserve", "",
                "record an admitted launch's cost as a reservation, so launches in the same burst "
                "count what this one is about to add",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto on = parse_bool(v);
                    if (!on) return "must be true or false (also 1/0, yes/no, on/off)";
                    s.reserve = *on;
                    return {};
                }},
    SettingSpec{"--reservation-ttl", "SPAWNGATE_RESERVATION_TTL", "reservation_ttl_s", "SECONDS",
                "how long a reservation counts at most (default 60)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    const auto seconds = parse_count(v);
                    if (!seconds || *seconds == 0 || *seconds > 86400)
                        return "must be a number of seconds from 1 to 86400";
                    s.reservation_ttl_s = *seconds;
                    return {};
                }},
    SettingSpec{
        "--claude-launches", "SPAWNGATE_CLAUDE_LAUNCHES", "claude_launches", "TABLE",
        "which Claude Code tool calls are launches (default \"Agent:agent, Task:agent, "
        "Workflow:agent:x3, Bash?run_in_background\")",
        [](GateSettings& s, std::string_view v) { return set_launch_table(s.claude_launches, v); }},
    SettingSpec{
        "--gemini-launches", "SPAWNGATE_GEMINI_LAUNCHES", "gemini_launches", "TABLE",
        "which Gemini CLI tool calls are launches (default \"invoke_agent:agent, "
        "run_shell_command?is_background\")",
        [](GateSettings& s, std::string_view v) { return set_launch_table(s.gemini_launches, v); }},
    SettingSpec{
        "--codex-launches", "SPAWNGATE_CODEX_LAUNCHES", "codex_launches", "TABLE",
        "which Codex tool calls are launches (default \"spawn_agent:agent, "
        "multi_agent_v1resume_agent:agent\")",
        [](GateSettings& s, std::string_view v) { return set_launch_table(s.codex_launches, v); }},
    SettingSpec{"--state-dir", "SPAWNGATE_STATE_DIR", "state_dir", "DIR",
                "where reservation ledgers live (default /run/spawngate for root, else "
                "$XDG_RUNTIME_DIR/spawngate)",
                [](GateSettings& s, std::string_view v) -> std::string {
                    if (v.empty() || v.front() != '/') return "must be an absolute path";
                    s.state_dir = std::string(v);
                    return {};
                }},
};

}  // namespace

SPAWNGATE_HOT_PATH std::span<const SettingSpec> setting_table() {
    return kTable;
}

const SettingSpec* find_setting_by_flag(std::string_view flag) {
    for (const auto& spec : kTable)
        if (spec.flag == flag) return &spec;
    return nullptr;
}

const SettingSpec* find_setting_by_key(std::string_view key) {
    for (const auto& spec : kTable)
        if (spec.config_key == key) return &spec;
    return nullptr;
}

}  // namespace spawngate
