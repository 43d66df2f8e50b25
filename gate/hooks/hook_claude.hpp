#pragma once
// Answers in Claude Code's hook protocol (PreToolUse / PostToolUse command hooks).
//
//   allow  -> exit 0, no output
//   warn   -> exit 0, stdout JSON {"systemMessage": ...} (shown to the user)
//   block  -> exit 2, the guidance on stderr: Claude Code denies the tool call and feeds stderr
//             to the model, so the agent reads why and what to do.
//   PostToolUse never blocks: above warn it answers exit 0 with
//             {"systemMessage": ..., "hookSpecificOutput": {"hookEventName": "PostToolUse",
//              "additionalContext": ...}} so the warning reaches the model as well.

#include <string>

#include "hook_answer.hpp"
#include "hook_input.hpp"
#include "measurement.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

// True for the tool calls that start new work: Agent (formerly Task) and Bash with
// run_in_background. Other calls are judged without a cost and are never blocked, so the
// commands that recover a full budget (kill, spawnreaper) still run at the block level.
bool is_launch(const HookInput& input);
// Agent (formerly Task): the launches the context budget applies to.
bool is_subagent_launch(const HookInput& input);

HookAnswer answer_claude(const HookInput& input, const Verdict& verdict,
                         const Measurement& measurement, const GateSettings& settings);

// stdin could not be read or parsed: the failure policy decides.
HookAnswer answer_claude_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
