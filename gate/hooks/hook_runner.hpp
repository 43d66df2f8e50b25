#pragma once
// The tasks a hook invocation itself adds to pids.current: the gate, and the shell the agent CLI
// ran the hook's command with, when that shell stays as the gate's parent. Both end before the
// launch starts, so they are not charged to it. Measured in the real CLIs (tests/conformance/):
// Claude Code 2.1 runs `/bin/sh -c '<command>'` and Debian's dash stays (2 tasks); Gemini CLI
// 0.61 and Codex 0.171 run `bash -c`, which execs a lone command (the gate alone, 1 task).

#include <cstdint>

#include "root.hpp"

namespace spawngate {

// 1 for the gate, plus 1 when its parent is a shell (by its name in /proc/PPID/comm).
std::uint64_t hook_runner_tasks(const Root& root);

}  // namespace spawngate
