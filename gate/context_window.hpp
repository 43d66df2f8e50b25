#pragma once
// How large the session's context window is, for the context budget. The window comes from the
// session: the model id Claude Code records on each assistant turn of the transcript says it
// ("claude-opus-4-6[1m]": the 1M-token window; a known model: its window). Only where the model
// says nothing does --context-window decide; where neither tells, the budget warns but never
// blocks: a guessed window of 200,000 tokens blocked subagents of a 1M session at 16 %.

#include <cstdint>
#include <optional>
#include <string_view>

namespace spawngate {

struct ContextWindow {
    std::uint64_t tokens = 0;
    bool known = false;  // from the model or the configuration; false: an assumption, warn only
};

// The window assumed when nothing tells (Claude's standard window): warnings only.
inline constexpr std::uint64_t kAssumedContextWindow = 200'000;

// The judged limit's name when the window is assumed (its warning says so).
inline constexpr std::string_view kAssumedWindowName = "context window (size assumed)";

// The window a model id implies; nullopt for a model the table does not know.
std::optional<std::uint64_t> window_of_model(std::string_view model);

// The model id that decides the window: the session's model attachment ("claude-sonnet-4-5[1m]")
// when it names the model the turn ran (its message.model, "claude-sonnet-4-5"), else the turn's.
std::string_view session_model_id(std::string_view attachment, std::string_view message_model);

ContextWindow context_window(std::string_view model, std::optional<std::uint64_t> configured);

}  // namespace spawngate
