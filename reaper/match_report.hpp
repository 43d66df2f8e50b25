#pragma once
// What `spawnreaper match RULE` prints: one table row per process the rule matches now, with the
// evidence under it. Names, cgroups and command lines come from whoever started the process (a
// 200-character argv[0], a newline in a name), so every cell goes through column_text and the
// columns stay aligned whatever they hold.

#include <string>
#include <vector>

#include "reap_config.hpp"
#include "reap_decide.hpp"

namespace spawngate {

// Column caps: a column is as wide as its longest cell up to its cap; a longer cell is cut with
// kCutMarker. The command comes last, so its cap only keeps a row on a screen.
inline constexpr std::size_t kMatchNameCap = 24;
inline constexpr std::size_t kMatchProgramCap = 24;
inline constexpr std::size_t kMatchCgroupCap = 48;
inline constexpr std::size_t kMatchCommandCap = 120;

// The whole report, ending in a newline: a count line, then a header and one row per match
// (PID, AGE, NAME, PROGRAM, CGROUP, COMMAND; "-" where a value is unknown), each followed by its
// indented detail lines (why, spared, descendants).
std::string format_match_report(const Rule& rule, const std::vector<Decision>& matches);

}  // namespace spawngate
