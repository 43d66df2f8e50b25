// The reaper's heartbeat file, read by the gate on its hot path: whatever parses re-formats to a
// heartbeat that parses to the same values.
#include "fuzz_support.hpp"
#include "reaper_heartbeat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const auto heartbeat = spawngate::parse_heartbeat(text);
    if (!heartbeat) return 0;
    FUZZ_CHECK(heartbeat->pid >= 0);
    const auto again = spawngate::parse_heartbeat(spawngate::format_heartbeat(*heartbeat));
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->time_unix_s == heartbeat->time_unix_s);
    FUZZ_CHECK(again->interval_s == heartbeat->interval_s);
    FUZZ_CHECK(again->pid == heartbeat->pid);
    FUZZ_CHECK(again->cycle == heartbeat->cycle);
    FUZZ_CHECK(again->reaped == heartbeat->reaped);
    FUZZ_CHECK(again->failed == heartbeat->failed);
    return 0;
}
