#pragma once
// What `spawnreaper rules` prints: the rules of the config in use, as a table a person reads, or
// (`rules --names`) their names alone, one a line, for bash completion of `spawnreaper match`.

#include <string>

#include "reap_config.hpp"

namespace spawngate {

// A rule's name column is as wide as its longest name up to this; a longer name is cut.
inline constexpr std::size_t kRuleNameCap = 32;
// The matcher summary comes last; its cap keeps a row on an ordinary terminal.
inline constexpr std::size_t kRuleMatchesCap = 72;

// "older than 120s, orphan, name /^sh$/": every matcher of the rule, the plain ones before the
// patterns (a cut summary then loses a pattern's tail, not a whole matcher).
std::string describe_matchers(const Rule& rule);

// "3 rules from SOURCE", a header, and one row per rule: NAME, SIGNAL, GRACE, DESCENDANTS
// (yes/no), MATCHES. Ends in a newline.
std::string format_rule_table(const ReaperConfig& config);

// Every rule name, one a line, made printable (a name holding a newline must not read as two).
std::string format_rule_names(const ReaperConfig& config);

}  // namespace spawngate
