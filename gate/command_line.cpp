#include "command_line.hpp"

#include <fmt/format.h>

#include "config_file.hpp"
#include "hot_path.hpp"

namespace spawngate {
namespace {

std::optional<HookProtocol> parse_hook(std::string_view name) {
    if (name == "claude") return HookProtocol::ClaudePre;
    if (name == "claude-post") return HookProtocol::ClaudePost;
    if (name == "gemini") return HookProtocol::Gemini;
    if (name == "gemini-post") return HookProtocol::GeminiPost;
    if (name == "codex") return HookProtocol::Codex;
    return std::nullopt;
}

CommandLineParse usage(std::string message) {
    return {std::nullopt, {std::move(message)}};
}

}  // namespace

SPAWNGATE_HOT_PATH CommandLineParse parse_command_line(int argc, const char* const* argv) {
    CommandLine line;
    int index = 1;
    if (index < argc) {
        const std::string_view first = argv[index];
        if (first == "check") {
            ++index;
        } else if (first == "status") {
            line.command = Command::Status;
            ++index;
        } else if (first == "help") {
            line.command = Command::Help;
            ++index;
        }
    }
    for (; index < argc; ++index) {
        std::string_view arg = argv[index];
        if (arg == "-h" || arg == "--help") {
            line.command = Command::Help;
            continue;
        }
        if (arg == "--version") {
            line.command = Command::Version;
            continue;
        }
        if (arg == "--json") {
            line.json = true;
            continue;
        }
        if (!arg.starts_with("--")) {
            return usage(
                fmt::format("unexpected argument '{}' (commands: check, status, help)", arg));
        }
        // "--flag=value" or "--flag value".
        std::optional<std::string_view> inline_value;
        if (const auto equals = arg.find('='); equals != std::string_view::npos) {
            inline_value = arg.substr(equals + 1);
            arg = arg.substr(0, equals);
            if (arg == "--json" || arg == "--help" || arg == "--version")
                return usage(fmt::format("option '{}' takes no value", arg));
        }
        const SettingSpec* spec = find_setting_by_flag(arg);
        const bool is_switch = spec && spec->value_name.empty();
        const bool takes_value = !is_switch && (spec || arg == "--config" || arg == "--root" ||
                                                arg == "--hook" || arg == "--prometheus");
        if (!spec && !takes_value)
            return usage(fmt::format("unknown option '{}' (see 'spawngate --help')", arg));
        std::string value;
        if (is_switch) {
            value = inline_value ? std::string(*inline_value) : "true";
        } else if (inline_value) {
            value = std::string(*inline_value);
        } else if (index + 1 < argc) {
            value = argv[++index];
        } else {
            return usage(fmt::format("option '{}' needs a value", arg));
        }
        if (arg == "--config") {
            line.config_path = value;
        } else if (arg == "--prometheus") {
            line.prometheus_file = value;
        } else if (arg == "--root") {
            line.root = value;
        } else if (arg == "--hook") {
            line.hook = parse_hook(value);
            if (!line.hook)
                return usage(fmt::format(
                    "--hook '{}': expected claude, claude-post, gemini, gemini-post or codex",
                    value));
        } else {
            line.values.emplace_back(spec, std::move(value));
        }
    }
    return {std::move(line), {}};
}

SPAWNGATE_HOT_PATH SettingsLoad load_settings(const CommandLine& line,
                                              EnvironmentLookup environment) {
    GateSettings settings;
    auto fail = [](const std::string& where, std::string_view value, const std::string& why) {
        return SettingsLoad{std::nullopt, {fmt::format("{} = '{}': {}", where, value, why)}};
    };

    const char* env_config = environment("SPAWNGATE_CONFIG");
    const bool named = line.config_path || (env_config && *env_config);
    const std::string config_path = line.config_path ? *line.config_path
                                    : named          ? env_config
                                                     : kDefaultConfigPath;
    const ConfigLoad config = load_config_file(config_path, named);
    if (config.error) return {std::nullopt, {*config.error}};
    for (const auto& entry : config.entries) {
        const SettingSpec* spec = find_setting_by_key(entry.key);
        if (auto why = spec->apply(settings, entry.value); !why.empty())
            return fail(entry.where, entry.value, why);
    }
    for (const auto& spec : setting_table()) {
        const std::string name(spec.env);
        const char* value = environment(name.c_str());
        if (!value || !*value) continue;  // an empty variable is an unset one, as in shells
        if (auto why = spec.apply(settings, value); !why.empty()) return fail(name, value, why);
    }
    for (const auto& [spec, value] : line.values) {
        if (auto why = spec->apply(settings, value); !why.empty())
            return fail(std::string(spec->flag), value, why);
    }
    if (settings.thresholds.warn_ratio > settings.thresholds.block_ratio)
        return {std::nullopt, {"the warn threshold is above the block threshold"}};
    if (settings.thresholds.memory_warn_ratio > settings.thresholds.memory_block_ratio)
        return {std::nullopt, {"the memory warn threshold is above the memory block threshold"}};
    if (line.hook) settings.hook = *line.hook;
    if (line.root) settings.root = *line.root;
    if (line.prometheus_file) settings.prometheus_file = *line.prometheus_file;
    settings.json = line.json;
    return {settings, {}};
}

}  // namespace spawngate
