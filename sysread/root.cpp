#include "root.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "hot_path.hpp"

namespace spawngate {

SPAWNGATE_HOT_PATH Root::Root(std::string path)
    : path_(path.empty() ? std::string(1, '/') : std::move(path)) {}

SPAWNGATE_HOT_PATH std::string_view Root::prefix() const {
    std::string_view p = path_;
    while (!p.empty() && p.back() == '/') p.remove_suffix(1);
    return p;
}

SPAWNGATE_HOT_PATH bool Root::join(std::string_view absolute, char* out,
                                   std::size_t out_size) const {
    const std::string_view head = prefix();
    const bool needs_slash = absolute.empty() || absolute.front() != '/';
    const std::size_t total = head.size() + (needs_slash ? 1 : 0) + absolute.size();
    if (total + 1 > out_size) return false;
    char* cursor = out;
    std::memcpy(cursor, head.data(), head.size());
    cursor += head.size();
    if (needs_slash) *cursor++ = '/';
    std::memcpy(cursor, absolute.data(), absolute.size());
    cursor[absolute.size()] = '\0';
    return true;
}

SPAWNGATE_HOT_PATH std::string Root::join(std::string_view absolute) const {
    std::string joined(prefix());
    if (absolute.empty() || absolute.front() != '/') joined += '/';
    joined += absolute;
    return joined;
}

SPAWNGATE_HOT_PATH UniqueFd Root::open_read(std::string_view absolute, int extra_flags) const {
    const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | extra_flags;
    // A small stack buffer covers every real cgroup path; a bigger one would only push the
    // stack onto fresh pages (a page fault each) in a process that lives for a millisecond.
    char path[512];
    if (join(absolute, path, sizeof path)) return UniqueFd{::open(path, flags)};
    return UniqueFd{::open(join(absolute).c_str(), flags)};
}

}  // namespace spawngate
