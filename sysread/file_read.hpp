#pragma once
// Reading small kernel files (procfs, cgroupfs) into a caller's buffer: one open, a few reads,
// no heap. Missing and unreadable files are outcomes, not exceptions: a cgroup can vanish and a
// process can exit between two reads.

#include <cstddef>
#include <span>
#include <string_view>

#include "root.hpp"

namespace spawngate {

enum class ReadStatus {
    Ok,         // text holds the whole file
    Truncated,  // the file is larger than the buffer; text holds its beginning
    Missing,    // ENOENT / ENOTDIR / ESRCH: the file or its process is gone
    Failed,     // any other errno (EACCES, EIO, ...): see `error`
};

struct ReadResult {
    ReadStatus status = ReadStatus::Failed;
    int error = 0;          // errno for Missing and Failed
    std::string_view text;  // points into the caller's buffer
    bool ok() const { return status == ReadStatus::Ok; }
};

// Reads `absolute` below `root` into `buffer` (not NUL-terminated).
ReadResult read_file(const Root& root, std::string_view absolute, std::span<char> buffer);

// Counts the lines of a file of any size by streaming it through a stack buffer (cgroup.procs
// and tasks can hold thousands of pids). A final line without '\n' counts.
struct LineCount {
    ReadStatus status = ReadStatus::Failed;
    int error = 0;
    std::size_t lines = 0;
};
LineCount count_lines(const Root& root, std::string_view absolute);

// A short human name for a read failure, e.g. "missing" or "permission denied".
const char* describe(ReadStatus status, int error);

}  // namespace spawngate
