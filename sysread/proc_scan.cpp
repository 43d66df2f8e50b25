#include "proc_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <span>

#include "text_parse.hpp"

namespace spawngate {

PidList list_pids(const Root& root) {
    PidList list;
    const std::string proc = root.join("/proc");
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc.c_str()), &::closedir);
    if (!dir) {
        list.problem = Problem{proc, std::string("cannot list processes: ") + std::strerror(errno)};
        return list;
    }
    while (const dirent* entry = ::readdir(dir.get())) {
        const auto pid = parse_u64(entry->d_name);
        if (pid && *pid > 0 && *pid <= 0x3fffffff) list.pids.push_back(static_cast<pid_t>(*pid));
    }
    std::sort(list.pids.begin(), list.pids.end());
    return list;
}

ProcDirectory::ProcDirectory(const Root& root) : fd_(root.open_read("/proc", O_DIRECTORY)) {}

namespace {

// Reads /proc/PID/<file> relative to `proc_fd` in one read(2) into `buffer`; the length read, or
// -1 when the process is gone or the file did not fit.
ssize_t read_pid_file(int proc_fd, pid_t pid, const char* file, std::span<char> buffer) {
    char name[48];
    auto [end, error] = std::to_chars(name, name + 20, pid);
    if (error != std::errc{}) return -1;
    *end++ = '/';
    const std::size_t length = std::strlen(file);
    if (length + 1 > static_cast<std::size_t>(name + sizeof name - end)) return -1;
    std::memcpy(end, file, length + 1);
    const UniqueFd fd{::openat(proc_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (!fd) return -1;
    // Both files are one short seq_file record: a read that does not fill the buffer has the
    // whole file; a full buffer means something is off.
    ssize_t got = 0;
    do {
        got = ::read(fd.get(), buffer.data(), buffer.size());
    } while (got < 0 && errno == EINTR);
    if (got <= 0 || static_cast<std::size_t>(got) == buffer.size()) return -1;
    return got;
}

}  // namespace

std::optional<std::string> ProcDirectory::read_comm(pid_t pid) const {
    std::array<char, 64> buffer;
    const ssize_t got = read_pid_file(fd_.get(), pid, "comm", buffer);
    if (got <= 0) return std::nullopt;
    std::size_t length = static_cast<std::size_t>(got);
    if (buffer[length - 1] == '\n') --length;
    return std::string(buffer.data(), length);
}

std::optional<ProcStat> ProcDirectory::read_stat(pid_t pid) const {
    std::array<char, 1024> buffer;
    const ssize_t got = read_pid_file(fd_.get(), pid, "stat", buffer);
    if (got <= 0) return std::nullopt;
    return parse_proc_stat(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
}

}  // namespace spawngate
