// One line of a Claude Code transcript (JSON): the usage of an assistant turn, or nothing.
#include "fuzz_support.hpp"
#include "transcript_tail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto line = spawngate::fuzz::as_text(data, size);
    const auto tokens = spawngate::parse_usage_line(line);
    // Deterministic: the same line always reads the same (the tail reader relies on re-reading).
    FUZZ_CHECK(spawngate::parse_usage_line(line) == tokens);
    return 0;
}
