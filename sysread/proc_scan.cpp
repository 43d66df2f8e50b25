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
// -1 with `failure` saying why (gone, unreadable, empty, or too long to be what we expect).
ssize_t read_pid_file(int proc_fd, pid_t pid, const char* file, std::span<char> buffer,
                      ProcReadError& failure) {
    char name[48];
    auto [end, error] = std::to_chars(name, name + 20, pid);
    if (error != std::errc{}) return -1;
    *end++ = '/';
    const std::size_t length = std::strlen(file);
    if (length + 1 > static_cast<std::size_t>(name + sizeof name - end)) return -1;
    std::memcpy(end, file, length + 1);
    const UniqueFd fd{::openat(proc_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (!fd) {
        failure = proc_read_error_for(errno);
        return -1;
    }
    // Both files are one short seq_file record: a read that does not fill the buffer has the
    // whole file; a full buffer means something is off.
    ssize_t got = 0;
    do {
        got = ::read(fd.get(), buffer.data(), buffer.size());
    } while (got < 0 && errno == EINTR);
    if (got < 0) {
        failure = proc_read_error_for(errno);
        return -1;
    }
    if (got == 0) {
        failure = {ProcReadFailure::Empty, 0};
        return -1;
    }
    if (static_cast<std::size_t>(got) == buffer.size()) {
        failure = {ProcReadFailure::Malformed, 0};
        return -1;
    }
    return got;
}

}  // namespace

std::optional<std::string> ProcDirectory::read_comm(pid_t pid, ProcReadError* failure) const {
    std::array<char, 64> buffer;
    ProcReadError ignored;
    const ssize_t got = read_pid_file(fd_.get(), pid, "comm", buffer, failure ? *failure : ignored);
    if (got <= 0) return std::nullopt;
    std::size_t length = static_cast<std::size_t>(got);
    if (buffer[length - 1] == '\n') --length;
    return std::string(buffer.data(), length);
}

std::optional<ProcStat> ProcDirectory::read_stat(pid_t pid, ProcReadError* failure) const {
    std::array<char, 1024> buffer;
    ProcReadError ignored;
    ProcReadError& outcome = failure ? *failure : ignored;
    const ssize_t got = read_pid_file(fd_.get(), pid, "stat", buffer, outcome);
    if (got <= 0) return std::nullopt;
    auto stat = parse_proc_stat(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    // A stat naming another pid is as useless as one that does not parse.
    if (!stat || stat->pid != pid) {
        outcome = {ProcReadFailure::Malformed, 0};
        return std::nullopt;
    }
    return stat;
}

}  // namespace spawngate
