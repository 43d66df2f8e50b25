#pragma once
// Files the tools keep between runs (lock, heartbeat, escalation state) live in a directory such
// as /run/spawngate. Both tools run as root in many installations, so a symlink planted there by
// another user must never redirect a write: the directory is opened with O_NOFOLLOW and checked
// (owned by root or by us, not writable by others), and every file in it is opened relative to
// that descriptor with O_NOFOLLOW.

#include <sys/types.h>

#include <string>
#include <string_view>

#include "problem.hpp"
#include "unique_fd.hpp"

namespace spawngate {

struct StateDir {
    UniqueFd fd;  // O_DIRECTORY descriptor, valid on success
    std::string path;
    Problem problem;  // set when fd is invalid
};

// Opens `path`, creating it (mode 0755, parents too) when `create` is set and it is missing.
StateDir open_state_dir(std::string_view path, bool create);

// Splits "/run/spawngate/reaper.lock" into its directory and file name.
struct SplitPath {
    std::string directory;
    std::string name;
};
SplitPath split_path(std::string_view path);

// Writes `content` to `name` in `dir` atomically: a private temporary file renamed over the old
// one, so a reader sees the old or the new file and never half of one. Returns an empty Problem
// (what is empty) on success.
Problem write_file_atomically(const StateDir& dir, std::string_view name, std::string_view content,
                              mode_t mode = 0644);

// Reads all of `name` in `dir` (O_NOFOLLOW), up to `max_bytes`; false when missing or unreadable.
bool read_small_file(const StateDir& dir, std::string_view name, std::string& out,
                     std::size_t max_bytes = 1 << 20);

}  // namespace spawngate
