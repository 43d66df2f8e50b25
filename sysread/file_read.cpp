#include "file_read.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hot_path.hpp"

namespace spawngate {
namespace {

bool is_missing(int error) {
    return error == ENOENT || error == ENOTDIR || error == ESRCH;
}

ReadStatus status_for(int error) {
    return is_missing(error) ? ReadStatus::Missing : ReadStatus::Failed;
}

// read(2) that retries EINTR.
SPAWNGATE_HOT_PATH ssize_t read_some(int fd, char* out, std::size_t size) {
    for (;;) {
        const ssize_t got = ::read(fd, out, size);
        if (got >= 0 || errno != EINTR) return got;
    }
}

}  // namespace

SPAWNGATE_HOT_PATH ReadResult read_file(const Root& root, std::string_view absolute,
                                        std::span<char> buffer) {
    const UniqueFd fd = root.open_read(absolute);
    if (!fd) return {status_for(errno), errno, {}};
    std::size_t filled = 0;
    while (filled < buffer.size()) {
        const ssize_t got = read_some(fd.get(), buffer.data() + filled, buffer.size() - filled);
        if (got < 0) return {status_for(errno), errno, {}};
        if (got == 0) return {ReadStatus::Ok, 0, {buffer.data(), filled}};
        filled += static_cast<std::size_t>(got);
        // procfs and cgroupfs (seq_file) fill up to a page per read, whole lines at a time, so a
        // first read far below a page that ends a line is the whole file: skipping the read that
        // would return 0 saves a syscall per file on the gate's hot path. Longer files, and
        // anything not ending in '\n', are read on to EOF.
        constexpr std::size_t kWholeInOneRead = 1024;
        if (filled == static_cast<std::size_t>(got) && filled < kWholeInOneRead &&
            filled < buffer.size() && buffer[filled - 1] == '\n')
            return {ReadStatus::Ok, 0, {buffer.data(), filled}};
    }
    // Buffer full: one more byte tells a file of exactly this size from a longer one.
    char probe = 0;
    const ssize_t more = read_some(fd.get(), &probe, 1);
    const ReadStatus status = more > 0 ? ReadStatus::Truncated : ReadStatus::Ok;
    return {status, 0, {buffer.data(), filled}};
}

LineCount count_lines(const Root& root, std::string_view absolute) {
    const UniqueFd fd = root.open_read(absolute);
    if (!fd) return {status_for(errno), errno, 0};
    char chunk[4096];  // one page: each untouched stack page is a fault saved at start-up
    std::size_t lines = 0;
    char last = '\n';
    for (;;) {
        const ssize_t got = read_some(fd.get(), chunk, sizeof chunk);
        if (got < 0) return {status_for(errno), errno, 0};
        if (got == 0) break;
        for (ssize_t i = 0; i < got; ++i) lines += chunk[i] == '\n';
        last = chunk[got - 1];
    }
    if (last != '\n') ++lines;
    return {ReadStatus::Ok, 0, lines};
}

const char* describe(ReadStatus status, int error) {
    switch (status) {
        case ReadStatus::Ok:
            return "ok";
        case ReadStatus::Truncated:
            return "larger than expected";
        case ReadStatus::Missing:
            return "missing";
        case ReadStatus::Failed:
            return error ? std::strerror(error) : "unreadable";
    }
    return "unreadable";
}

}  // namespace spawngate
