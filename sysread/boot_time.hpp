#pragma once
// Turning the start time in /proc/PID/stat (clock ticks since boot) into an age and a wall-clock
// time. Ages come from /proc/uptime (CLOCK_BOOTTIME), so a wall clock stepped by NTP or by hand
// never makes every process look days old; btime from /proc/stat is used only to print when a
// process started.

#include <cstdint>
#include <optional>

#include "problem.hpp"
#include "root.hpp"

namespace spawngate {

struct BootClock {
    std::uint64_t uptime_ms = 0;         // /proc/uptime, first field
    std::uint64_t boot_time_unix_s = 0;  // /proc/stat "btime"
    std::uint64_t ticks_per_second = 100;

    // How long ago a process with this start time started; 0 if the clock reads earlier.
    std::uint64_t age_ms(std::uint64_t start_time_ticks) const;
    // The process's start as Unix time in milliseconds.
    std::uint64_t start_unix_ms(std::uint64_t start_time_ticks) const;
};

struct BootClockRead {
    std::optional<BootClock> clock;
    Problem problem;
};

// Reads /proc/uptime and /proc/stat below `root`; ticks from sysconf(_SC_CLK_TCK).
BootClockRead read_boot_clock(const Root& root);

// "12345.67 890.12" -> 12345670; nullopt when malformed.
std::optional<std::uint64_t> parse_uptime_ms(std::string_view text);

}  // namespace spawngate
