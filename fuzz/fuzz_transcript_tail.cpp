// The transcript tail reader: a 64 KiB window, then at most 1 MiB, split into lines from the end.
// Input: two bytes giving the length of a filler line (in units of 24 bytes, up to ~1.5 MiB, so
// both windows and their boundaries are crossed), then the text before the filler and, after the
// first 0xFF byte, the text after it. The tokens found must be those of a complete line.
#include <string>

#include "fuzz_support.hpp"
#include "transcript_tail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t filler =
        (static_cast<std::size_t>(data[0]) | (std::size_t{data[1]} << 8)) * 24;
    const auto rest = spawngate::fuzz::as_text(data + 2, size - 2);
    const auto split = rest.find('\xff');
    std::string content(rest.substr(0, split));
    content.append(filler, 'x');
    if (split != std::string_view::npos) content.append(rest.substr(split + 1));

    static const spawngate::fuzz::MemFile file;
    file.assign(content);
    const spawngate::ContextReading reading = spawngate::read_context_tokens(file.path());
    FUZZ_CHECK(!reading.problem);
    if (!reading.tokens) {
        FUZZ_CHECK(reading.no_usage_yet);
        return 0;
    }
    FUZZ_CHECK(!reading.no_usage_yet);
    // Some complete line of the file holds exactly this usage (a line cut by the window edge is
    // never believed).
    bool found = false;
    std::string_view lines = content;
    while (!found && !lines.empty()) {
        const auto newline = lines.find('\n');
        const auto line = lines.substr(0, newline);
        lines.remove_prefix(newline == std::string_view::npos ? lines.size() : newline + 1);
        found = line.find("\"usage\"") != std::string_view::npos &&
                spawngate::parse_usage_line(line) == reading.tokens;
    }
    FUZZ_CHECK(found);
    return 0;
}
