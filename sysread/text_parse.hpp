#pragma once
// Small, strict parsers for the values kernel files hold. They never turn garbage into a number:
// every function says "no value" instead, and the caller reports where it came from.

#include <cstdint>
#include <optional>
#include <string_view>

namespace spawngate {

// Strips spaces, tabs and newlines from both ends ("200\n" is how cgroupfs ends every value).
std::string_view trim(std::string_view text);

// A whole decimal unsigned number, surrounding whitespace allowed; nothing else.
std::optional<std::uint64_t> parse_u64(std::string_view text);

// A limit file's value: a number, or "max" meaning no limit at this level.
struct LimitValue {
    bool unlimited = true;
    std::uint64_t value = 0;
};
std::optional<LimitValue> parse_limit(std::string_view text);

// cgroup v1 reports "no memory limit" as PAGE_COUNTER_MAX in bytes (LONG_MAX rounded down to a
// page: 9223372036854771712 with 4 KiB pages, less with larger pages). No machine has 4 EiB, so
// anything from 2^62 up is read as no limit.
inline constexpr std::uint64_t kMemoryUnlimitedFloor = 1ull << 62;
std::optional<LimitValue> parse_memory_limit(std::string_view text);

// Pops the next line (without its '\n') off `rest`; nullopt when nothing is left.
std::optional<std::string_view> next_line(std::string_view& rest);

// Finds "key value" in flat-keyed files such as memory.stat ("anon 4096") and returns the value
// as a number; nullopt when the key is absent or its value is not a number.
std::optional<std::uint64_t> flat_keyed_value(std::string_view text, std::string_view key);

}  // namespace spawngate
