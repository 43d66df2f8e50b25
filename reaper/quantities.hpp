#pragma once
// Durations ("120s", "15m", "2h", "500ms") and sizes ("2GiB", "512MiB", "4096") as written in the
// config and on the command line. A value that does not parse is nullopt, never 0: "1O0s" with a
// letter O must not become "reap everything at once".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spawngate {

// Milliseconds; units ms, s, m, h, d. A bare number is rejected (seconds or minutes? say which).
std::optional<std::uint64_t> parse_duration_ms(std::string_view text);

// Bytes; units B, KiB, MiB, GiB, TiB (powers of 1024) and kB, MB, GB, TB (powers of 1000).
// A bare number is bytes.
std::optional<std::uint64_t> parse_size_bytes(std::string_view text);

// "2m", "90s", "1500ms": the shortest exact form, for messages and logs.
std::string format_duration(std::uint64_t ms);

}  // namespace spawngate
