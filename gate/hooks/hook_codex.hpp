#pragma once
// Answers in Codex's hook protocol (PreToolUse command hooks). Codex discards a hook's stderr at
// exit 0, so nothing that matters goes there alone:
//   allow -> exit 0, empty stdout
//   warn  -> exit 0, {"systemMessage": ... (the user), "hookSpecificOutput": {"hookEventName":
//            "PreToolUse", "additionalContext": ...}} (the model)
//   block -> exit 0, {"hookSpecificOutput": {"hookEventName": "PreToolUse",
//            "permissionDecision": "deny", "permissionDecisionReason": ...}} with a non-empty
//            reason; the guidance is also on stderr. (Exit 1 is not a block in Codex.) Only a
//            launch is blocked (launch_table.hpp); other calls are told the state instead.

#include <string>

#include "hook_answer.hpp"

namespace spawngate {

HookAnswer answer_codex(bool launch, const Verdict& verdict, const Measurement& measurement,
                        const GateSettings& settings);
HookAnswer answer_codex_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
