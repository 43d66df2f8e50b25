#pragma once
// `spawngate status`: the operator's report. Off the hot path, so it reads more: every level's
// history (pids.peak, pids.events), the busiest processes by thread count, memory in detail.

#include <string>

#include "root.hpp"
#include "settings.hpp"

namespace spawngate {

struct StatusOutput {
    std::string text;
    int exit_code = 0;       // the verdict's exit code, so scripts can use status too; 1 when the
                             // metrics file cannot be written
    std::string error_text;  // for stderr
};

StatusOutput status_report(const Root& root, const GateSettings& settings);

}  // namespace spawngate
