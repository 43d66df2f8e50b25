#include "launch_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace spawngate {
namespace {

std::string_view trim_blanks(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

bool is_name(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_name_char);
}

// One entry: TOOL[*] [?FIELD] [:agent] [:xN]
std::optional<LaunchEntry> parse_entry(std::string_view text, std::string& error) {
    LaunchEntry entry;
    std::string_view head = text.substr(0, text.find(':'));
    std::string_view attributes = head.size() < text.size() ? text.substr(head.size() + 1) : "";
    if (const auto question = head.find('?'); question != std::string_view::npos) {
        entry.when_true = std::string(head.substr(question + 1));
        head = head.substr(0, question);
        if (!is_name(entry.when_true)) {
            error = fmt::format("'{}': expected a tool_input field name after '?'", text);
            return std::nullopt;
        }
    }
    if (!head.empty() && head.back() == '*') {
        entry.prefix = true;
        head.remove_suffix(1);
    }
    if (!is_name(head)) {
        error = fmt::format("'{}': expected a tool name (letters, digits, _ - .)", text);
        return std::nullopt;
    }
    entry.tool = std::string(head);
    while (!attributes.empty()) {
        const std::string_view attribute = attributes.substr(0, attributes.find(':'));
        attributes.remove_prefix(std::min(attributes.size(), attribute.size() + 1));
        if (attribute == "agent") {
            entry.subagent = true;
        } else if (attribute.size() > 1 && attribute.front() == 'x') {
            const auto [end, failed] = std::from_chars(
                attribute.data() + 1, attribute.data() + attribute.size(), entry.times);
            if (failed != std::errc{} || end != attribute.data() + attribute.size() ||
                entry.times == 0 || entry.times > 1000) {
                error = fmt::format("'{}': ':x' takes a count from 1 to 1000", text);
                return std::nullopt;
            }
        } else {
            error = fmt::format("'{}': unknown attribute ':{}' (expected :agent or :xN)", text,
                                attribute);
            return std::nullopt;
        }
    }
    return entry;
}

bool names_tool(const LaunchEntry& entry, std::string_view tool) {
    return entry.prefix ? tool.starts_with(entry.tool) : tool == entry.tool;
}

bool condition_holds(const LaunchEntry& entry, const HookInput& input) {
    if (entry.when_true.empty()) return true;
    return std::find(input.true_fields.begin(), input.true_fields.end(), entry.when_true) !=
           input.true_fields.end();
}

}  // namespace

std::string_view default_launch_table(HookProtocol protocol) {
    switch (protocol) {
        // Claude Code 2.1: Agent (formerly Task) starts a subagent; Workflow starts several in
        // one call; Bash leaves a process running only with run_in_background.
        case HookProtocol::ClaudePre:
        case HookProtocol::ClaudePost:
            return "Agent:agent, Task:agent, Workflow:agent:x3, Bash?run_in_background";
        // Gemini CLI 0.61: invoke_agent starts a subagent; run_shell_command runs in the
        // background with is_background.
        case HookProtocol::Gemini:
        case HookProtocol::GeminiPost:
            return "invoke_agent:agent, run_shell_command?is_background";
        // Codex 0.171: spawn_agent starts a subagent, resume_agent restarts a closed one (the
        // hook sees the tool's namespace glued on). Its hook input cannot tell a shell that
        // outlives the call from one that does not: shells are not launches here.
        case HookProtocol::Codex:
            return "spawn_agent:agent, multi_agent_v1resume_agent:agent";
        case HookProtocol::None:
            break;
    }
    return "";
}

std::optional<LaunchTable> parse_launch_table(std::string_view text, std::string& error) {
    LaunchTable table;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view item = trim_blanks(text.substr(0, comma));
        if (item.empty()) {
            if (comma != std::string_view::npos || !table.entries.empty() ||
                !trim_blanks(text).empty()) {
                error = "an empty entry (two commas, or a trailing comma)";
                return std::nullopt;
            }
        } else {
            auto entry = parse_entry(item, error);
            if (!entry) return std::nullopt;
            table.entries.push_back(std::move(*entry));
        }
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return table;
}

LaunchClass classify_call(const LaunchTable& table, const HookInput& input) {
    for (const LaunchEntry& entry : table.entries)
        if (names_tool(entry, input.tool_name) && condition_holds(entry, input))
            return {true, entry.subagent, entry.times};
    return {};
}

}  // namespace spawngate
