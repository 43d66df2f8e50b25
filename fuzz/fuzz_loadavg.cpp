// /proc/loadavg: "0.31 0.08 0.03 1/79 1975"; the total after the '/' is every task on the host.
#include "fuzz_support.hpp"
#include "host_limits.hpp"
#include "text_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const auto tasks = spawngate::parse_loadavg_tasks(text);
    if (!tasks) return 0;
    const auto slash = text.find('/');
    FUZZ_CHECK(slash != std::string_view::npos);
    FUZZ_CHECK(text.find(std::to_string(*tasks)) != std::string_view::npos);
    return 0;
}
