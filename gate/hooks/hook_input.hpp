#pragma once
// The JSON an agent CLI writes to a hook's stdin. Read with a bound on size and time: the gate
// must answer promptly whatever arrives (empty, malformed, binary, gigantic, or a pipe that is
// never closed), and never act on a half-read document.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spawngate {

struct HookInput {
    std::string hook_event_name;  // "PreToolUse", "PostToolUse"
    std::string tool_name;        // "Agent", "Task", "Bash", ...
    std::string session_id;
    std::string transcript_path;
    std::string cwd;
    // Every boolean field of tool_input that is true (run_in_background, is_background, ...):
    // the launch table's conditions read these.
    std::vector<std::string> true_fields;
};

struct HookInputRead {
    std::optional<HookInput> input;
    std::string error;  // what was wrong with stdin, for the user
};

inline constexpr std::size_t kMaxHookInputBytes = 1 << 20;
inline constexpr int kHookInputTimeoutMs = 2000;

// Parses one hook document; anything but a JSON object is an error.
HookInputRead parse_hook_input(std::string_view json);

// Reads `fd` to EOF within the bounds, then parses it.
HookInputRead read_hook_input(int fd, std::size_t max_bytes = kMaxHookInputBytes,
                              int timeout_ms = kHookInputTimeoutMs);

}  // namespace spawngate
