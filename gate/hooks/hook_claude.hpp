#pragma once
// Answers in Claude Code's hook protocol (PreToolUse / PostToolUse command hooks).
//
//   allow  -> exit 0, no output
//   warn   -> exit 0, stdout JSON {"systemMessage": ... (the user), "hookSpecificOutput":
//             {"hookEventName": "PreToolUse", "additionalContext": ...} (the model)}
//   block  -> exit 2, the guidance on stderr: Claude Code denies the tool call and feeds stderr
//             to the model, so the agent reads why and what to do. Only a launch is blocked
//             (launch_table.hpp); any other call at the block level is told the state instead.
//   PostToolUse never blocks: above warn it answers the same way, with "PostToolUse".

#include <string>

#include "hook_answer.hpp"
#include "measurement.hpp"
#include "settings.hpp"
#include "verdict.hpp"

namespace spawngate {

// `launch`: the launch table names this call (a PostToolUse answer is never a block).
HookAnswer answer_claude(bool launch, const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings);

// stdin could not be read or parsed: the failure policy decides.
HookAnswer answer_claude_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
