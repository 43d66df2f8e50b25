#pragma once
// Which processes exist: the numeric entries of /proc. A process can appear or vanish right after
// the listing; readers treat a missing file as "gone", never as an error.

#include <sys/types.h>

#include <optional>
#include <vector>

#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct PidList {
    std::vector<pid_t> pids;  // ascending
    std::optional<Problem> problem;  // /proc could not be listed at all
};

PidList list_pids(const Root& root);

}  // namespace spawngate
