#pragma once
// Answers in Gemini CLI's hook protocol (BeforeTool command hooks). Gemini parses stdout as JSON
// on exit 0 and wants nothing else there:
//   allow -> exit 0, {}
//   warn  -> exit 0, {"systemMessage": ...} (shown to the user)
//   block -> exit 0, {"decision": "deny", "reason": ...}: the reason reaches the agent as the
//            tool's error (non-empty; exit 1 would only be a warning, not a block)
// Gemini has no background flag to tell a launch from a quick command: every call the hook's
// matcher lets through is judged as a launch.

#include <string>

#include "hook_answer.hpp"

namespace spawngate {

HookAnswer answer_gemini(const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings);
HookAnswer answer_gemini_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
