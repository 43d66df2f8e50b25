#include "session_record.hpp"

#include <cstdio>
#include <string>

namespace spawngate::conformance {
namespace {

// All text in one message's content: a string, or blocks of text and tool results.
std::string flatten(const nlohmann::json& content) {
    if (content.is_string()) return content.get<std::string>();
    std::string text;
    if (!content.is_array()) return text;
    for (const auto& block : content) {
        if (!block.is_object()) continue;
        if (block.contains("text") && block["text"].is_string())
            text += block["text"].get<std::string>() + "\n";
        if (block.contains("content")) text += flatten(block["content"]) + "\n";
    }
    return text;
}

const nlohmann::json& messages_of(const nlohmann::json& request) {
    static const nlohmann::json none = nlohmann::json::array();
    const auto& body = request.contains("body") ? request["body"] : none;
    if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array())
        return none;
    return body["messages"];
}

std::string first_user_text(const nlohmann::json& request) {
    for (const auto& message : messages_of(request)) {
        if (message.value("role", "") == "user") return flatten(message["content"]);
    }
    return {};
}

bool is_main_conversation(const nlohmann::json& request) {
    return first_user_text(request).find(kMainPromptMark) != std::string::npos;
}

}  // namespace

std::string tool_use_id(int index) {
    char id[32];
    std::snprintf(id, sizeof id, "toolu_conformance_%02d", index);
    return id;
}

std::optional<ToolOutcome> SessionRecord::outcome(int index) const {
    const std::string id = tool_use_id(index);
    for (const auto& request : requests) {
        if (!is_main_conversation(request)) continue;
        const auto& messages = messages_of(request);
        for (std::size_t at = 0; at < messages.size(); ++at) {
            const auto& content =
                messages[at].contains("content") ? messages[at]["content"] : nlohmann::json();
            if (!content.is_array()) continue;
            for (std::size_t block = 0; block < content.size(); ++block) {
                const auto& result = content[block];
                if (!result.is_object() || result.value("type", "") != "tool_result" ||
                    result.value("tool_use_id", "") != id)
                    continue;
                ToolOutcome found;
                found.is_error = result.value("is_error", false);
                found.result =
                    flatten(result.contains("content") ? result["content"] : nlohmann::json());
                for (std::size_t rest = block + 1; rest < content.size(); ++rest)
                    found.context_after += flatten(nlohmann::json::array({content[rest]}));
                for (std::size_t later = at + 1; later < messages.size(); ++later)
                    found.context_after += flatten(messages[later]["content"]);
                return found;
            }
        }
    }
    return std::nullopt;
}

bool SessionRecord::subagent_started() const {
    for (const auto& request : requests) {
        if (is_main_conversation(request)) continue;
        for (const auto& message : messages_of(request)) {
            if (message.value("role", "") == "user" &&
                flatten(message["content"]).find(kSubagentPromptMark) != std::string::npos)
                return true;
        }
    }
    return false;
}

std::vector<HookRun> SessionRecord::hook_runs(std::string_view hook_name) const {
    std::vector<HookRun> runs;
    for (const auto& event : events) {
        if (event.value("type", "") != "system" || event.value("subtype", "") != "hook_response" ||
            event.value("hook_name", "") != hook_name)
            continue;
        runs.push_back({event.value("hook_name", ""), event.value("exit_code", -1),
                        event.value("stdout", ""), event.value("stderr", "")});
    }
    return runs;
}

std::vector<std::string> SessionRecord::notices() const {
    std::vector<std::string> shown;
    for (const auto& event : events) {
        if (event.value("type", "") == "system" && event.value("subtype", "") == "informational")
            shown.push_back(event.value("content", ""));
    }
    return shown;
}

std::vector<std::uint64_t> SessionRecord::pids_seen() const {
    std::vector<std::uint64_t> seen;
    for (const auto& request : requests) {
        if (!request.contains("pids_current") || !request["pids_current"].is_string()) continue;
        try {
            seen.push_back(std::stoull(request["pids_current"].get<std::string>()));
        } catch (const std::exception&) {
        }
    }
    return seen;
}

std::string SessionRecord::summary() const {
    std::string text = "claude exit " + std::to_string(exit_code) + ", " +
                       std::to_string(requests.size()) + " requests to the mock\n";
    for (const auto& event : events) {
        if (event.value("subtype", "") == "hook_response") {
            text += "  hook " + event.value("hook_name", "") + " exit " +
                    std::to_string(event.value("exit_code", -1)) +
                    " stdout: " + event.value("stdout", "") +
                    " stderr: " + event.value("stderr", "") + "\n";
        }
    }
    for (const auto& request : requests) {
        if (!is_main_conversation(request)) continue;
        const auto& messages = messages_of(request);
        if (messages.empty()) continue;
        text += "  main request, last message: " +
                flatten(messages.back().value("content", nlohmann::json())).substr(0, 600) + "\n";
    }
    if (!stderr_text.empty()) text += "  claude stderr: " + stderr_text.substr(0, 600) + "\n";
    return text;
}

}  // namespace spawngate::conformance
