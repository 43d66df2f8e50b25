// memory.stat, cgroup v2 ("anon", "shmem", "file") and v1 ("total_rss", "total_shmem",
// "total_cache"). The charged memory is judged against the limit, so it must never come out
// smaller than either of its parts.
#include "fuzz_support.hpp"
#include "memory_budget.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    for (const bool unified : {true, false}) {
        const auto usage = spawngate::parse_memory_stat(text, unified);
        if (!usage) continue;
        FUZZ_CHECK(usage->charged() >= usage->anon_bytes);
        FUZZ_CHECK(usage->charged() >= usage->shmem_bytes);
    }
    return 0;
}
