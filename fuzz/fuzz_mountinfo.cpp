// /proc/PID/mountinfo: the cgroup mounts, from lines with a variable number of optional tags and
// octal-escaped paths. Unescaping only ever shortens a path.
#include <string>

#include "fuzz_support.hpp"
#include "mountinfo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const auto mounts = spawngate::parse_cgroup_mounts(text);
    std::size_t lines = 0;
    for (const char c : text) lines += c == '\n';
    FUZZ_CHECK(mounts.size() <= lines + 1);
    for (const auto& mount : mounts) {
        FUZZ_CHECK(mount.mount_point.size() + mount.root.size() + mount.super_options.size() <=
                   text.size());
    }
    const std::string unescaped = spawngate::unescape_mount_path(text);
    FUZZ_CHECK(unescaped.size() <= text.size());
    if (text.find('\\') == std::string_view::npos) FUZZ_CHECK(unescaped == text);
    return 0;
}
