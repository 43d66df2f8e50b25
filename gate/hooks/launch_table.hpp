#pragma once
// Which tool calls of an agent CLI are launches, and what each costs: one table per protocol, as
// data. A launch is judged with the cost (--cost, times its multiplier) and may be blocked; every
// other call is judged without a cost and is never blocked, so the commands that recover a full
// budget (`spawnreaper --once`, `kill`) still run under every protocol.
//
// The tables are text in the same syntax the config file takes, so a CLI release that renames a
// tool needs a config line, not a spawngate release:
//
//   claude_launches = "Agent:agent, Task:agent, Workflow:agent:x3, Bash?run_in_background"
//
// An entry is TOOL, then optionally `?FIELD` (only when tool_input.FIELD is true), `:agent` (it
// starts a subagent, whose report lands in the caller's context: the context budget applies) and
// `:xN` (one call starts N of them). A TOOL ending in `*` names every tool with that prefix.
// What each default names was observed in the pinned CLI versions (tests/conformance/).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hook_input.hpp"
#include "settings.hpp"

namespace spawngate {

struct LaunchEntry {
    std::string tool;  // exact, or a prefix when `prefix`
    bool prefix = false;
    std::string when_true;    // a tool_input field that must be true; empty: always
    bool subagent = false;    // starts an agent (the context budget applies)
    std::uint64_t times = 1;  // agents or processes one call starts
};

struct LaunchTable {
    std::vector<LaunchEntry> entries;
};

// The shipped table of a protocol (claude, claude-post, gemini, gemini-post, codex), as text.
std::string_view default_launch_table(HookProtocol protocol);

// Parses a table's text; nullopt with `error` set when it does not parse.
std::optional<LaunchTable> parse_launch_table(std::string_view text, std::string& error);

struct LaunchClass {
    bool launch = false;
    bool subagent = false;
    std::uint64_t times = 1;
};

// How the table judges one call: the first entry that names the tool and whose condition holds.
LaunchClass classify_call(const LaunchTable& table, const HookInput& input);

}  // namespace spawngate
