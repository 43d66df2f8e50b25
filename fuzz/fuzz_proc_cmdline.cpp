// /proc/PID/cmdline: argv as NUL-separated strings, rewritten at will by the process. The joined
// line the reaper matches keeps every byte but the NULs.
#include "fuzz_support.hpp"
#include "proc_cmdline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto raw = spawngate::fuzz::as_text(data, size);
    const std::string joined = spawngate::join_cmdline(raw);
    FUZZ_CHECK(joined.size() <= raw.size());
    FUZZ_CHECK(joined.find('\0') == std::string::npos);
    // Only trailing NULs are dropped; every other byte keeps its place.
    for (std::size_t i = 0; i < joined.size(); ++i)
        FUZZ_CHECK(joined[i] == (raw[i] == '\0' ? ' ' : raw[i]));
    for (std::size_t i = joined.size(); i < raw.size(); ++i) FUZZ_CHECK(raw[i] == '\0');
    return 0;
}
