#include "mountinfo.hpp"

#include <array>

#include "text_parse.hpp"

namespace spawngate {
namespace {

bool is_octal(char c) {
    return c >= '0' && c <= '7';
}

// Splits on single spaces (mountinfo escapes spaces inside fields).
std::string_view next_field(std::string_view& rest) {
    const auto space = rest.find(' ');
    const std::string_view field = rest.substr(0, space);
    rest.remove_prefix(space == std::string_view::npos ? rest.size() : space + 1);
    return field;
}

}  // namespace

std::string unescape_mount_path(std::string_view escaped) {
    std::string path;
    path.reserve(escaped.size());
    for (std::size_t i = 0; i < escaped.size(); ++i) {
        if (escaped[i] == '\\' && i + 3 < escaped.size() && is_octal(escaped[i + 1]) &&
            is_octal(escaped[i + 2]) && is_octal(escaped[i + 3])) {
            path += static_cast<char>((escaped[i + 1] - '0') * 64 + (escaped[i + 2] - '0') * 8 +
                                      (escaped[i + 3] - '0'));
            i += 3;
        } else {
            path += escaped[i];
        }
    }
    return path;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo) {
    std::vector<CgroupMount> mounts;
    while (auto line = next_line(mountinfo)) {
        std::string_view rest = *line;
        std::array<std::string_view, 5> leading{};
        for (auto& field : leading) field = next_field(rest);
        if (leading[4].empty()) continue;
        // Skip options (6) and the optional tags (7) up to the "-" separator.
        std::string_view field;
        do {
            field = next_field(rest);
        } while (!field.empty() && field != "-");
        if (field != "-") continue;
        const std::string_view fstype = next_field(rest);
        next_field(rest);  // source
        const std::string_view super_options = next_field(rest);
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        mounts.push_back({unescape_mount_path(leading[4]), unescape_mount_path(leading[3]),
                          fstype == "cgroup2", std::string(super_options)});
    }
    return mounts;
}

}  // namespace spawngate
