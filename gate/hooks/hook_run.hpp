#pragma once
// One hook invocation: read the agent CLI's JSON from stdin, judge the call, and answer in that
// CLI's protocol (claude, claude-post, gemini, codex).

#include "hook_answer.hpp"
#include "settings.hpp"

namespace spawngate {

HookAnswer run_hook(GateSettings settings, int input_fd);

}  // namespace spawngate
