#pragma once
// Shared by the fuzz targets: a checked invariant that stops the fuzzer, and an in-memory file
// (memfd) for the parsers that take a path rather than text.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// An invariant of a parser's result; a violation is a crash the fuzzer reports and minimises.
#define FUZZ_CHECK(condition)               \
    do {                                    \
        if (!(condition)) __builtin_trap(); \
    } while (0)

namespace spawngate::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// A regular file with no name on disk: its path is /proc/self/fd/N, which open(2), stat(2) and
// toml::parse_file all accept, and rewriting it costs no disk I/O per iteration.
class MemFile {
  public:
    MemFile() : fd_(::memfd_create("spawngate-fuzz", MFD_CLOEXEC)) {
        if (fd_ < 0) __builtin_trap();
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;

    // Replaces the whole content.
    void assign(std::string_view text) const {
        if (::ftruncate(fd_, 0) != 0) __builtin_trap();
        std::size_t written = 0;
        while (written < text.size()) {
            const ssize_t got = ::pwrite(fd_, text.data() + written, text.size() - written,
                                         static_cast<off_t>(written));
            if (got <= 0) __builtin_trap();
            written += static_cast<std::size_t>(got);
        }
    }
    const std::string& path() const { return path_; }

  private:
    int fd_;
    std::string path_;
};

}  // namespace spawngate::fuzz
