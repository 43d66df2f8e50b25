// /proc/PID/status: the owner and the anonymous memory the reaper judges a process by. A field
// that does not parse stays absent, and a reading never comes out smaller than its parts.
#include "fuzz_support.hpp"
#include "proc_status.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const spawngate::ProcStatus status = spawngate::parse_proc_status(text);
    const auto anon = status.anon_memory();
    FUZZ_CHECK(anon.has_value() == (status.rss_anon_kb || status.rss_shmem_kb || status.vm_rss_kb));
    if (!anon) return 0;
    // Absurd sizes must read as huge (over any threshold), never wrap to a small number.
    for (const auto& part_kb : {status.rss_anon_kb, status.rss_shmem_kb}) {
        if (part_kb && !anon->from_vmrss_fallback)
            FUZZ_CHECK(anon->bytes / 1024 >= *part_kb || anon->bytes == UINT64_MAX);
    }
    if (anon->from_vmrss_fallback)
        FUZZ_CHECK(anon->bytes / 1024 >= *status.vm_rss_kb || anon->bytes == UINT64_MAX);
    return 0;
}
