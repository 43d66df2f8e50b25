#pragma once
// The gate's TOML config file (default /etc/spawngate/spawngate.toml). Flat keys, the same names
// as in the settings table: `warn_percent = 70`. An absent default file is fine; an absent file
// named explicitly, a syntax error or an unknown key is an error naming the file and line.

#include <optional>
#include <string>
#include <vector>

namespace spawngate {

struct ConfigEntry {
    std::string key;
    std::string value;  // the TOML value rendered as text, checked by the settings table
    std::string where;  // "FILE:LINE key", for messages
};

struct ConfigLoad {
    std::vector<ConfigEntry> entries;
    std::optional<std::string> error;  // set: the file is unusable, nothing was applied
};

ConfigLoad load_config_file(const std::string& path, bool must_exist);

}  // namespace spawngate
