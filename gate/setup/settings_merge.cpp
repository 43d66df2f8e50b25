#include "settings_merge.hpp"

#include <sstream>
#include <string_view>

namespace spawngate {
namespace {

constexpr std::string_view kShippedGatePath = "/usr/local/bin/spawngate";

std::string describe(const std::string& event, const nlohmann::ordered_json& group,
                     const nlohmann::ordered_json& hook) {
    return event + " [" + group.value("matcher", std::string("*")) +
           "]: " + hook.value("command", std::string());
}

bool is_spawngate_hook(const nlohmann::ordered_json& hook, const std::string& gate_path) {
    return hook.is_object() && hook.value("type", std::string()) == "command" &&
           hook.contains("command") && hook["command"].is_string() &&
           runs_spawngate_hook(hook["command"].get<std::string>(), gate_path);
}

// Why `settings` cannot take hooks, or "" when it can.
std::string shape_error(const nlohmann::ordered_json& settings) {
    if (!settings.is_object()) return "the settings file is not a JSON object";
    if (!settings.contains("hooks")) return {};
    const nlohmann::ordered_json& hooks = settings["hooks"];
    if (!hooks.is_object()) return "\"hooks\" is not an object";
    for (const auto& [event, groups] : hooks.items()) {
        if (!groups.is_array()) return "\"hooks\"." + event + " is not an array";
        for (const auto& group : groups)
            if (!group.is_object() || (group.contains("hooks") && !group["hooks"].is_array()))
                return "\"hooks\"." + event + " holds an entry that is not {\"hooks\": [...]}";
    }
    return {};
}

}  // namespace

bool runs_spawngate_hook(const std::string& command, const std::string& gate_path) {
    std::istringstream words(command);
    std::string first;
    if (!(words >> first)) return false;
    if (!(first == "spawngate" || first.ends_with("/spawngate") ||
          (!gate_path.empty() && first == gate_path)))
        return false;
    for (std::string word; words >> word;)
        if (word == "--hook" || word.starts_with("--hook=")) return true;
    return false;
}

MergeResult merge_hooks(const nlohmann::ordered_json& settings,
                        const nlohmann::ordered_json& snippet, const std::string& gate_path) {
    MergeResult result;
    if (std::string error = shape_error(settings); !error.empty()) {
        result.error = std::move(error);
        return result;
    }
    result.settings = settings;
    nlohmann::ordered_json& hooks = result.settings["hooks"];
    if (hooks.is_null()) hooks = nlohmann::ordered_json::object();

    // 1. Our old entries out, everything else kept in place.
    std::vector<std::string> empty_events;
    for (auto& [event, groups] : hooks.items()) {
        nlohmann::ordered_json kept_groups = nlohmann::ordered_json::array();
        for (auto& group : groups) {
            if (!group.contains("hooks")) {
                kept_groups.push_back(group);
                continue;
            }
            nlohmann::ordered_json kept = nlohmann::ordered_json::array();
            for (const auto& hook : group["hooks"]) {
                if (is_spawngate_hook(hook, gate_path)) {
                    result.removed.push_back(describe(event, group, hook));
                } else {
                    kept.push_back(hook);
                }
            }
            if (kept.empty() && !group["hooks"].empty()) continue;  // only ours: drop the group
            group["hooks"] = std::move(kept);
            kept_groups.push_back(std::move(group));
        }
        groups = std::move(kept_groups);
        if (groups.empty()) empty_events.push_back(event);
    }
    for (const std::string& event : empty_events) hooks.erase(event);

    // 2. The snippet's entries in, with this gate's path.
    for (const auto& [event, groups] : snippet["hooks"].items()) {
        for (nlohmann::ordered_json group : groups) {
            for (auto& hook : group["hooks"]) {
                std::string command = hook["command"].get<std::string>();
                if (command.starts_with(kShippedGatePath))
                    command.replace(0, kShippedGatePath.size(), gate_path);
                hook["command"] = command;
                result.added.push_back(describe(event, group, hook));
            }
            hooks[event].push_back(std::move(group));
        }
    }
    result.changed = result.settings != settings;
    return result;
}

}  // namespace spawngate
