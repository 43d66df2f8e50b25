#pragma once
// The context budget: how full the agent's context window is, from the tail of its Claude Code
// session transcript (JSON lines; `transcript_path` in the hook input). The latest assistant
// line carries the API usage of its turn; the context in use is
//     input_tokens + cache_creation_input_tokens + cache_read_input_tokens
// (the per-turn numbers, which match Claude Code's /context). Only the tail is read: 64 KiB,
// and at most 1 MiB when the last lines are one huge tool result.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "problem.hpp"

namespace spawngate {

// The context tokens recorded on one transcript line; nullopt when the line carries no usage
// (a user line, a tool result), belongs to a subagent's side chain, or has a negative or
// fractional count (garbage is not believed; the reader falls back to an earlier line).
std::optional<std::uint64_t> parse_usage_line(std::string_view line);

// One assistant turn's usage and the model that answered it (message.model; empty when the line
// names none). nullopt as for parse_usage_line.
struct TurnUsage {
    std::uint64_t tokens = 0;
    std::string model;
};
std::optional<TurnUsage> parse_turn_line(std::string_view line);

// The model id of a `model` attachment line ({"identity": {"modelId": "claude-sonnet-4-5[1m]"}}):
// Claude Code writes one near a session's start, and it is the only place "[1m]" is recorded
// (message.model is the API's id, without it). Empty when the line holds none.
std::string parse_model_attachment(std::string_view line);

struct ContextReading {
    std::optional<std::uint64_t> tokens;  // the latest usage found
    std::string model;                    // the model of that turn, when the line names it
    std::string session_model;            // the latest model attachment's id (head or tail)
    std::optional<Problem> problem;       // the transcript could not be read: failure policy
    // No turn has recorded usage yet: the file is readable and has none, or it does not exist yet
    // (a session's first turn).
    bool no_usage_yet = false;
};

ContextReading read_context_tokens(const std::string& transcript_path);

}  // namespace spawngate
