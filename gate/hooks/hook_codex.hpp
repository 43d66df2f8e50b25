#pragma once
// Answers in Codex's hook protocol (PreToolUse command hooks). Codex's parser rejects fields it
// does not know, so a deny carries exactly the three documented ones:
//   allow -> exit 0, empty stdout
//   warn  -> exit 0, empty stdout, the warning on stderr (for the operator's log)
//   block -> exit 0, {"hookSpecificOutput": {"hookEventName": "PreToolUse",
//            "permissionDecision": "deny", "permissionDecisionReason": ...}} with a non-empty
//            reason; the guidance is also on stderr. (Exit 1 is not a block in Codex.)
// Like Gemini, Codex has no background flag: every call the hook sees is judged as a launch.

#include <string>

#include "hook_answer.hpp"

namespace spawngate {

HookAnswer answer_codex(const Verdict& verdict, const Measurement& measurement,
                        const GateSettings& settings);
HookAnswer answer_codex_bad_input(const std::string& error, const GateSettings& settings);

}  // namespace spawngate
