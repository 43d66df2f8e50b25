#pragma once
// The gate's exit codes, documented in the README and --help.

namespace spawngate {
inline constexpr int kExitAllow = 0;   // allow, or warn (one line on stderr)
inline constexpr int kExitBlock = 2;   // block; also Claude Code's "deny this tool call"
inline constexpr int kExitUsage = 64;  // EX_USAGE: bad flag, environment value or config file
}  // namespace spawngate
