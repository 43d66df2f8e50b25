#include "config_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include "setting_table.hpp"

namespace spawngate {
namespace {

constexpr long kMaxConfigBytes = 1 << 20;

std::string location(const std::string& path, const toml::source_region& region) {
    return path + ":" + std::to_string(region.begin.line);
}

std::optional<std::string> render_scalar(const toml::node& node) {
    if (auto text = node.value_exact<std::string>()) return *text;
    if (auto integer = node.value_exact<int64_t>()) return std::to_string(*integer);
    if (auto real = node.value_exact<double>()) return std::to_string(*real);
    if (auto flag = node.value_exact<bool>()) return std::string(*flag ? "true" : "false");
    return std::nullopt;
}

}  // namespace

ConfigLoad load_config_file(const std::string& path, bool must_exist) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT && !must_exist) return {};
        return {{}, "cannot read config file " + path + ": " + std::strerror(errno)};
    }
    if (!S_ISREG(info.st_mode)) return {{}, "config file " + path + " is not a regular file"};
    if (info.st_size > kMaxConfigBytes)
        return {{}, "config file " + path + " is larger than 1 MiB; is it the right file?"};

    toml::parse_result parsed = toml::parse_file(path);
    if (!parsed) {
        const auto& error = parsed.error();
        return {{}, location(path, error.source()) + ": " + std::string(error.description())};
    }
    ConfigLoad load;
    for (const auto& [key, node] : parsed.table()) {
        const std::string name(key.str());
        const std::string where = location(path, node.source()) + " '" + name + "'";
        if (!find_setting_by_key(name))
            return {{}, where + ": unknown key (see 'spawngate --help' for the keys)"};
        auto value = render_scalar(node);
        if (!value) return {{}, where + ": must be a number, a string or true/false"};
        load.entries.push_back({name, std::move(*value), where});
    }
    return load;
}

}  // namespace spawngate
