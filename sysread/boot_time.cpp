#include "boot_time.hpp"

#include <unistd.h>

#include <array>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {

std::uint64_t BootClock::age_ms(std::uint64_t start_time_ticks) const {
    const std::uint64_t started_ms = start_time_ticks * 1000 / ticks_per_second;
    return uptime_ms > started_ms ? uptime_ms - started_ms : 0;
}

std::uint64_t BootClock::start_unix_ms(std::uint64_t start_time_ticks) const {
    return boot_time_unix_s * 1000 + start_time_ticks * 1000 / ticks_per_second;
}

std::optional<std::uint64_t> parse_uptime_ms(std::string_view text) {
    text = trim(text);
    text = text.substr(0, text.find(' '));
    const auto dot = text.find('.');
    const auto seconds = parse_u64(text.substr(0, dot));
    if (!seconds) return std::nullopt;
    std::uint64_t fraction_ms = 0;
    if (dot != std::string_view::npos) {
        std::string_view fraction = text.substr(dot + 1, 3);
        const auto digits = parse_u64(fraction);
        if (!digits) return std::nullopt;
        fraction_ms = *digits;
        for (std::size_t i = fraction.size(); i < 3; ++i) fraction_ms *= 10;
    }
    return *seconds * 1000 + fraction_ms;
}

BootClockRead read_boot_clock(const Root& root) {
    BootClockRead result;
    std::array<char, 128> uptime_buffer;
    const ReadResult uptime = read_file(root, "/proc/uptime", uptime_buffer);
    const auto uptime_ms = uptime.ok() ? parse_uptime_ms(uptime.text) : std::nullopt;
    if (!uptime_ms) {
        result.problem = {root.join("/proc/uptime"),
                          "cannot read the time since boot: " +
                              std::string(describe(uptime.status, uptime.error))};
        return result;
    }
    // /proc/stat lists every CPU before btime; 64 KiB covers a few hundred CPUs.
    std::array<char, 65536> stat_buffer;
    const ReadResult stat = read_file(root, "/proc/stat", stat_buffer);
    const auto btime = stat.text.empty() ? std::nullopt : flat_keyed_value(stat.text, "btime");
    const long ticks = ::sysconf(_SC_CLK_TCK);
    result.clock = BootClock{*uptime_ms, btime.value_or(0),
                             ticks > 0 ? static_cast<std::uint64_t>(ticks) : 100};
    return result;
}

}  // namespace spawngate
