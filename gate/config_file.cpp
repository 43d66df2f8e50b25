#include "config_file.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include "setting_table.hpp"
#include "unique_fd.hpp"

namespace spawngate {
namespace {

constexpr long kMaxConfigBytes = 1 << 20;

std::string location(const std::string& path, const toml::source_region& region) {
    return fmt::format("{}:{}", path, region.begin.line);
}

std::optional<std::string> render_scalar(const toml::node& node) {
    if (auto text = node.value_exact<std::string>()) return *text;
    if (auto integer = node.value_exact<int64_t>()) return std::to_string(*integer);
    if (auto real = node.value_exact<double>()) return std::to_string(*real);
    if (auto flag = node.value_exact<bool>()) return std::string(*flag ? "true" : "false");
    return std::nullopt;
}

// Reads the whole (size-checked) file; false with errno set on a read error.
bool read_all(int fd, std::string& text) {
    char chunk[4096];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return false;
        if (got == 0) return true;
        text.append(chunk, static_cast<std::size_t>(got));
        if (text.size() > static_cast<std::size_t>(kMaxConfigBytes)) {
            errno = EFBIG;  // grew after the size check
            return false;
        }
    }
}

}  // namespace

ConfigLoad load_config_file(const std::string& path, bool must_exist) {
    // One open answers the common case (no config file: ENOENT). O_NONBLOCK: a FIFO planted at
    // the path must not hang the gate; it is refused below as not a regular file.
    const UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (!fd) {
        if (errno == ENOENT && !must_exist) return {};
        return {{}, fmt::format("cannot read config file {}: {}", path, std::strerror(errno))};
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        return {{}, fmt::format("cannot read config file {}: {}", path, std::strerror(errno))};
    if (!S_ISREG(info.st_mode))
        return {{}, fmt::format("config file {} is not a regular file", path)};
    // The gate often runs as root (a hook of a root agent, a CI step): thresholds that any user
    // can write would let that user silence the gate or block every launch. Checked on the open
    // descriptor, so the file judged is the file read.
    if ((info.st_mode & S_IWOTH) != 0 || (info.st_uid != 0 && info.st_uid != ::geteuid()))
        return {{},
                fmt::format("config file {} is writable by other users or owned by another "
                            "user; refusing settings that anyone could change (chmod o-w, chown "
                            "root)",
                            path)};
    if (info.st_size > kMaxConfigBytes)
        return {{},
                fmt::format("config file {} is larger than 1 MiB; is it the right file?", path)};
    std::string text;
    if (!read_all(fd.get(), text))
        return {{}, fmt::format("cannot read config file {}: {}", path, std::strerror(errno))};

    toml::parse_result parsed = toml::parse(text, path);
    if (!parsed) {
        const auto& error = parsed.error();
        return {{}, fmt::format("{}: {}", location(path, error.source()), error.description())};
    }
    ConfigLoad load;
    for (const auto& [key, node] : parsed.table()) {
        const std::string name(key.str());
        const std::string where = fmt::format("{} '{}'", location(path, node.source()), name);
        if (!find_setting_by_key(name))
            return {{},
                    fmt::format("{}: unknown key (see 'spawngate --help' for the keys)", where)};
        auto value = render_scalar(node);
        if (!value) return {{}, fmt::format("{}: must be a number, a string or true/false", where)};
        load.entries.push_back({name, std::move(*value), where});
    }
    return load;
}

}  // namespace spawngate
