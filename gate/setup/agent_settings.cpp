#include "agent_settings.hpp"

#include <array>

#include "shipped_snippets.hpp"

namespace spawngate {
namespace {

constexpr std::array kAgents{
    AgentSettings{"claude", ".claude/settings.json", ".claude/settings.json", kClaudeSnippet,
                  "Claude Code reads the hooks when a session starts: restart running sessions "
                  "(or open /hooks to review them)."},
    AgentSettings{"gemini", ".gemini/settings.json", ".gemini/settings.json", kGeminiSnippet,
                  "Gemini CLI runs hooks from a project's settings only in a trusted folder: "
                  "trust it when Gemini asks (/permissions), and run headless sessions with "
                  "--skip-trust only where you trust the folder."},
    // Codex keeps user hooks in $CODEX_HOME/hooks.json (default ~/.codex).
    AgentSettings{"codex", "hooks.json", ".codex/hooks.json", kCodexSnippet,
                  "Codex silently skips a hook until it has been reviewed: open `codex`, review "
                  "and trust the spawngate hooks (/hooks), or run `codex exec` with "
                  "--dangerously-bypass-hook-trust only where you trust the configuration."},
};

}  // namespace

std::optional<AgentSettings> find_agent_settings(std::string_view name) {
    for (const AgentSettings& agent : kAgents)
        if (agent.name == name) return agent;
    return std::nullopt;
}

}  // namespace spawngate
