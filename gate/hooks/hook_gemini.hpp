#pragma once
// Answers in Gemini CLI's hook protocol (command hooks). Gemini parses stdout as JSON on exit 0
// and wants nothing else there.
//
// BeforeTool (--hook gemini):
//   allow -> exit 0, {}
//   warn  -> exit 0, {"systemMessage": ...} (shown to the user; 0.61 ignores a BeforeTool
//            additionalContext, so the model hears of it only through AfterTool)
//   block -> exit 0, {"decision": "deny", "reason": ...}: the reason reaches the agent as the
//            tool's error (non-empty; exit 1 would only be a warning, not a block). Only a
//            launch is blocked (launch_table.hpp); other calls are told the state instead.
// AfterTool (--hook gemini-post) never blocks: above warn it answers exit 0 with
//   {"systemMessage": ..., "hookSpecificOutput": {"hookEventName": "AfterTool",
//    "additionalContext": ...}}, which Gemini appends to the tool's result for the model.

#include <string>

#include "hook_answer.hpp"

namespace spawngate {

HookAnswer answer_gemini(bool launch, const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings);
HookAnswer answer_gemini_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
