// /proc/PID/stat: comm may hold spaces, parentheses and newlines, so the fields after it are
// found from the last ')'. A hostile name must never shift the fields the reaper signals by.
#include "fuzz_support.hpp"
#include "proc_stat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const auto stat = spawngate::parse_proc_stat(text);
    if (!stat) return 0;
    FUZZ_CHECK(stat->pid > 0);
    // comm is exactly what lies between the first '(' and the last ')'.
    const auto open = text.find('(');
    const auto close = text.rfind(')');
    FUZZ_CHECK(open != std::string_view::npos && close != std::string_view::npos && open < close);
    FUZZ_CHECK(stat->comm.size() + 2 <= text.size());
    FUZZ_CHECK(stat->comm == text.substr(open + 1, close - open - 1));
    // The state is one character after the name, never a character of it.
    FUZZ_CHECK(text.find(stat->state, close) != std::string_view::npos);
    return 0;
}
