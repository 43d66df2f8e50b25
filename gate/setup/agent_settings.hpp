#pragma once
// Where each agent CLI keeps the settings that `spawngate setup` writes hooks into, and what it
// still needs afterwards: one row per CLI.

#include <optional>
#include <string>
#include <string_view>

namespace spawngate {

struct AgentSettings {
    std::string_view name;          // "claude", "gemini", "codex"
    std::string_view user_file;     // below the home directory (or CODEX_HOME for codex)
    std::string_view project_file;  // below a project directory
    std::string_view snippet;       // the shipped hooks/ file, as JSON text
    std::string_view afterwards;    // what the CLI still needs before the hooks fire
};

// The row for `name`, or nullopt for a CLI spawngate does not know.
std::optional<AgentSettings> find_agent_settings(std::string_view name);

}  // namespace spawngate
