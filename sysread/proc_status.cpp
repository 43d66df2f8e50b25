#include "proc_status.hpp"

#include <array>
#include <string>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

// "VmRSS:\t  1234 kB" -> 1234; nullopt unless the unit is kB (the only unit status uses).
std::optional<std::uint64_t> parse_kb(std::string_view value) {
    value = trim(value);
    if (!value.ends_with(" kB")) return std::nullopt;
    value.remove_suffix(3);
    return parse_u64(value);
}

// "Uid:\t0\t0\t0\t0" -> the real uid (the first of real, effective, saved, filesystem).
std::optional<uid_t> parse_real_uid(std::string_view value) {
    value = trim(value);
    const auto end = value.find_first_of(" \t");
    const auto uid = parse_u64(value.substr(0, end));
    if (!uid || *uid > static_cast<uid_t>(-1)) return std::nullopt;
    return static_cast<uid_t>(*uid);
}

}  // namespace

std::optional<AnonMemory> ProcStatus::anon_memory() const {
    // Saturating: a size too large for a byte count reads as the largest one and so stays above
    // every threshold, instead of wrapping to a small number (found by fuzz/fuzz_proc_status.cpp).
    const auto bytes = [](std::uint64_t kb) {
        return kb > UINT64_MAX / 1024 ? UINT64_MAX : kb * 1024;
    };
    if (rss_anon_kb || rss_shmem_kb) {
        const std::uint64_t anon_kb = rss_anon_kb.value_or(0), shmem_kb = rss_shmem_kb.value_or(0);
        return AnonMemory{anon_kb > UINT64_MAX - shmem_kb ? UINT64_MAX : bytes(anon_kb + shmem_kb),
                          false};
    }
    if (vm_rss_kb) return AnonMemory{bytes(*vm_rss_kb), true};
    return std::nullopt;
}

ProcStatus parse_proc_status(std::string_view text) {
    ProcStatus status;
    while (const auto line = next_line(text)) {
        const auto colon = line->find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view key = line->substr(0, colon);
        const std::string_view value = line->substr(colon + 1);
        if (key == "Uid") {
            status.real_uid = parse_real_uid(value);
        } else if (key == "Threads") {
            status.threads = parse_u64(value);
        } else if (key == "RssAnon") {
            status.rss_anon_kb = parse_kb(value);
        } else if (key == "RssShmem") {
            status.rss_shmem_kb = parse_kb(value);
        } else if (key == "VmRSS") {
            status.vm_rss_kb = parse_kb(value);
        }
    }
    return status;
}

std::optional<ProcStatus> read_proc_status(const Root& root, pid_t pid, ProcReadError* failure) {
    ProcReadError ignored;
    ProcReadError& outcome = failure ? *failure : ignored;
    // status is ~1.5 KiB; 8 KiB leaves room for long Groups: lines.
    std::array<char, 8192> buffer;
    const ReadResult read = read_file(root, "/proc/" + std::to_string(pid) + "/status", buffer);
    if (read.status != ReadStatus::Ok && read.status != ReadStatus::Truncated) {
        outcome = proc_read_error_for(read.error);
        return std::nullopt;
    }
    if (read.text.empty()) {
        outcome = {ProcReadFailure::Empty, 0};
        return std::nullopt;
    }
    return parse_proc_status(read.text);
}

}  // namespace spawngate
