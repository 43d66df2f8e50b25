#pragma once
// What went wrong while reading, and where: carried as a value to the edge that reports it.

#include <string>

namespace spawngate {

struct Problem {
    std::string where;         // the file or setting, e.g. "/sys/fs/cgroup/pids/a/pids.max"
    std::string what;          // what was wrong with it, e.g. "not a number: 'abc'"
    std::string text() const;  // "where: what", or just what
};

// Quotes up to 40 bytes of unexpected file content for a message, escaping non-printables.
std::string quote_excerpt(std::string_view text);

}  // namespace spawngate
