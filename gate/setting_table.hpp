#pragma once
// One table names every setting once: its flag, its environment variable and its config key,
// and how a text value is checked and applied. Flags, environment and file share it, so a value
// means the same wherever it comes from, and every error names where the value came from.

#include <span>
#include <string>
#include <string_view>

#include "settings.hpp"

namespace spawngate {

struct SettingSpec {
    std::string_view flag;        // "--warn"
    std::string_view env;         // "SPAWNGATE_WARN"
    std::string_view config_key;  // "warn_percent"
    std::string_view value_name;  // "PERCENT" in help; empty for a switch
    std::string_view help;
    // Checks `value` and stores it; returns an error text ("must be a percentage...") or "".
    std::string (*apply)(GateSettings&, std::string_view value);
};

std::span<const SettingSpec> setting_table();
const SettingSpec* find_setting_by_flag(std::string_view flag);
const SettingSpec* find_setting_by_key(std::string_view key);

}  // namespace spawngate
