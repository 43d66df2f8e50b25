#pragma once
// One cell of a table a person reads (`spawngate status`, `spawnreaper match`). Process and
// cgroup names come from the kernel and from whoever started the process: they may be 200
// characters long, hold a newline or bytes that are not UTF-8. A cell must never break the
// table, so it is made printable and cut to its column.

#include <cstddef>
#include <string>
#include <string_view>

namespace spawngate {

// The marker that ends a cut cell: one column wide, as systemd and ps show it.
inline constexpr std::string_view kCutMarker = "\u2026";

// Which end of a long cell stays: a name reads from its start; a path (a cgroup, a file) is
// told apart by its last components, so levels that share a long prefix stay distinct.
enum class KeepEnd { Start, Finish };

// `raw` with every byte outside printable ASCII shown as '?', cut to at most `max_width`
// columns; a cut cell ends (KeepEnd::Start) or begins (KeepEnd::Finish) with kCutMarker.
// max_width 0 means no limit.
std::string column_text(std::string_view raw, std::size_t max_width, KeepEnd keep = KeepEnd::Start);

// The columns `text` (a column_text result) takes on a terminal: the marker counts as one.
std::size_t column_width(std::string_view text);

}  // namespace spawngate
