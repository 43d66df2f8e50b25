#pragma once
// The gate's argument parsing: a small hand-written parser, because the gate runs before every
// launch and a general-purpose CLI library costs more to construct than the whole check.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "setting_table.hpp"
#include "settings.hpp"

namespace spawngate {

enum class Command { Check, Status, Help, Version };

struct CommandLine {
    Command command = Command::Check;
    std::vector<std::pair<const SettingSpec*, std::string>> values;  // in the order given
    std::optional<std::string> config_path;
    std::optional<std::string> root;
    std::optional<HookProtocol> hook;
    bool json = false;
    std::optional<std::string> prometheus_file;  // status --prometheus FILE
};

struct UsageError {
    std::string message;
};

struct CommandLineParse {
    std::optional<CommandLine> command_line;
    UsageError error;
};
CommandLineParse parse_command_line(int argc, const char* const* argv);

// Looks up a SPAWNGATE_* variable; tests pass their own.
using EnvironmentLookup = const char* (*)(const char* name);

struct SettingsLoad {
    std::optional<GateSettings> settings;
    UsageError error;
};
// Applies config file < environment < flags over the defaults.
SettingsLoad load_settings(const CommandLine& command_line, EnvironmentLookup environment);

inline constexpr const char* kDefaultConfigPath = "/etc/spawngate/spawngate.toml";

}  // namespace spawngate
