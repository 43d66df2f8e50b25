#pragma once
// The directory that stands in for "/". Production code uses Root{"/"}; tests point it at a
// fixture tree holding proc/ and sys/fs/cgroup/. Every reader takes one, so no other file
// names /proc or /sys directly.

#include <string>
#include <string_view>

#include "unique_fd.hpp"

namespace spawngate {

class Root {
  public:
    explicit Root(std::string path);

    // The root's own path as given ("/" in production).
    const std::string& path() const { return path_; }
    // True when this root is the machine's real "/" (statfs checks only make sense there).
    bool is_system_root() const { return path_ == "/"; }

    // Opens `absolute` (a path like "/proc/self/stat") below the root, read-only, O_CLOEXEC.
    // Returns an invalid fd with errno set on failure (ENOENT for a missing file).
    UniqueFd open_read(std::string_view absolute, int extra_flags = 0) const;

    // Writes root + absolute into `out` as a NUL-terminated string; false when it does not fit.
    bool join(std::string_view absolute, char* out, std::size_t out_size) const;
    std::string join(std::string_view absolute) const;

  private:
    std::string path_;
    std::string_view prefix() const;  // "" for "/", else the path without a trailing slash
};

}  // namespace spawngate
