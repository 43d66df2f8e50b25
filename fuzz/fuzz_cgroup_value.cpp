// The values cgroup files hold (pids.max, memory.max, pids.current, memory.limit_in_bytes, and
// flat-keyed files such as pids.events): a number, "max", or no value at all, never garbage read
// as a number. The first line of the input is the key looked up in the rest.
#include <string>

#include "fuzz_support.hpp"
#include "text_parse.hpp"

using spawngate::parse_u64;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);

    if (const auto number = parse_u64(text)) {
        // A number round-trips: its decimal form parses back to it, and the text was that form
        // (leading zeros aside) with whitespace around it.
        const std::string decimal = std::to_string(*number);
        FUZZ_CHECK(parse_u64(decimal) == number);
        std::string_view digits = spawngate::trim(text);
        while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
        FUZZ_CHECK(digits == decimal);
    }
    if (const auto limit = spawngate::parse_limit(text)) {
        if (limit->unlimited) {
            FUZZ_CHECK(spawngate::trim(text) == "max");
        } else {
            FUZZ_CHECK(parse_u64(text) == limit->value);
            const auto again = spawngate::parse_limit(std::to_string(limit->value));
            FUZZ_CHECK(again && !again->unlimited && again->value == limit->value);
        }
    }
    if (const auto memory = spawngate::parse_memory_limit(text); memory && !memory->unlimited)
        FUZZ_CHECK(memory->value < spawngate::kMemoryUnlimitedFloor);

    std::string_view rest = text;
    std::size_t lines = 0, bytes = 0;
    while (const auto line = spawngate::next_line(rest)) {
        ++lines;
        bytes += line->size();
        FUZZ_CHECK(line->find('\n') == std::string_view::npos);
    }
    FUZZ_CHECK(bytes <= text.size() && bytes + lines >= text.size());

    std::string_view body = text;
    if (const auto key = spawngate::next_line(body); key && !key->empty()) {
        if (const auto value = spawngate::flat_keyed_value(body, *key))
            FUZZ_CHECK(body.find(*key) != std::string_view::npos);
    }
    return 0;
}
