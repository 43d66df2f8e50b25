#pragma once
// What one Claude Code session left behind, as a test reads it: the requests the mock model
// received (mock_anthropic.py's record, one JSON object per line) and the CLI's stream-json
// events. Reading only: no process, no file.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawngate::conformance {

// The text that marks the session's own conversation, and a subagent's, in what the model
// receives: the mock asks for the scripted calls only in the first, so a subagent (or a side
// request) never loops.
inline constexpr std::string_view kMainPromptMark = "CONFORMANCE-MAIN";
inline constexpr std::string_view kSubagentPromptMark = "CONFORMANCE-SUBAGENT";

// The id the mock gives its `index`th tool call (mock_anthropic.py: toolu_conformance_NN).
std::string tool_use_id(int index);

// What the model received after one call was allowed or refused: the tool_result, and every
// message the CLI put after it in the same request (hook additionalContext, reminders).
struct ToolOutcome {
    bool is_error = false;
    std::string result;
    std::string context_after;
};

// One hook run as the CLI reported it (a stream-json "hook_response" event).
struct HookRun {
    std::string hook_name;  // "PreToolUse:Bash"
    int exit_code = -1;
    std::string stdout_text;
    std::string stderr_text;
};

struct SessionRecord {
    std::string failure;  // non-empty when the session itself failed (spawn, mock, hang)
    int exit_code = -1;
    std::string stderr_text;
    std::vector<nlohmann::json> requests;  // every request the mock received, in order
    std::vector<nlohmann::json> events;    // the CLI's stream-json output, one per line

    // The first request that carries call `index`'s result; nullopt when the CLI never
    // reported one back to the model.
    std::optional<ToolOutcome> outcome(int index) const;
    // True when a subagent's own conversation reached the model.
    bool subagent_started() const;
    // Every run of the hooks of `hook_name` ("PreToolUse:Agent"), in order.
    std::vector<HookRun> hook_runs(std::string_view hook_name) const;
    // Everything the user was shown as a hook's systemMessage ("PreToolUse:Bash says: ...").
    std::vector<std::string> notices() const;
    // pids.current of the watched cgroup at each request, while the CLI waited for the model.
    std::vector<std::uint64_t> pids_seen() const;
    // A short account for assertion messages: the requests' last messages and the hook runs.
    std::string summary() const;
};

}  // namespace spawngate::conformance
