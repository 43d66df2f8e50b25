#pragma once
// The gate's exit codes, documented in the README and --help.

namespace spawngate {
inline constexpr int kExitAllow = 0;   // allow, or warn (one line on stderr)
inline constexpr int kExitBlock = 2;   // block; also Claude Code's "deny this tool call"
inline constexpr int kExitUsage = 64;  // EX_USAGE: bad flag, environment value or config file
// `spawngate setup` only (sysexits.h):
inline constexpr int kExitDataError = 65;     // EX_DATAERR: a settings file it cannot parse
inline constexpr int kExitCannotCreate = 73;  // EX_CANTCREAT: the new settings cannot be written
inline constexpr int kExitIoError = 74;       // EX_IOERR: the settings file cannot be read
}  // namespace spawngate
