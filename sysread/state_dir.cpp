#include "state_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace spawngate {
namespace {

std::string errno_text(int error) {
    return std::strerror(error);
}

bool make_directories(const std::string& path) {
    std::string prefix;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        prefix = path.substr(0, slash == std::string::npos ? path.size() : slash);
        if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) return false;
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    return true;
}

}  // namespace

SplitPath split_path(std::string_view path) {
    const auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return {".", std::string(path)};
    return {slash == 0 ? "/" : std::string(path.substr(0, slash)),
            std::string(path.substr(slash + 1))};
}

StateDir open_state_dir(std::string_view path, bool create) {
    StateDir dir;
    dir.path = std::string(path);
    if (create && !make_directories(dir.path)) {
        dir.problem = {dir.path, "cannot create the directory: " + errno_text(errno)};
        return dir;
    }
    dir.fd = UniqueFd{::open(dir.path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
    if (!dir.fd) {
        const int error = errno;
        dir.problem = {dir.path, error == ELOOP || error == ENOTDIR
                                     ? "is a symlink or not a directory; refusing to use it"
                                     : "cannot open the directory: " + errno_text(error)};
        return dir;
    }
    struct stat info {};
    if (::fstat(dir.fd.get(), &info) != 0) {
        dir.problem = {dir.path, "cannot stat the directory: " + errno_text(errno)};
        dir.fd.reset();
        return dir;
    }
    if ((info.st_uid != 0 && info.st_uid != ::geteuid()) || (info.st_mode & S_IWOTH) != 0) {
        dir.problem = {dir.path,
                       "is writable by other users or owned by another user; refusing to keep "
                       "state there (use a root-owned directory such as /run/spawngate)"};
        dir.fd.reset();
    }
    return dir;
}

Problem write_file_atomically(const StateDir& dir, std::string_view name, std::string_view content,
                              mode_t mode) {
    // Unique per process and call; O_EXCL below refuses any leftover of the same name. (Not
    // std::random_device: it probes the CPU with cpuid, a costly trap in a VM, on every call.)
    static unsigned calls = 0;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const std::string temporary = "." + std::string(name) + ".tmp." + std::to_string(::getpid()) +
                                  "." + std::to_string(now.tv_nsec) + "." + std::to_string(++calls);
    const UniqueFd fd{::openat(dir.fd.get(), temporary.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)};
    const std::string where = dir.path + "/" + std::string(name);
    if (!fd) return {where, "cannot create a temporary file: " + errno_text(errno)};
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t wrote = ::write(fd.get(), content.data() + written, content.size() - written);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            const int error = wrote < 0 ? errno : ENOSPC;
            ::unlinkat(dir.fd.get(), temporary.c_str(), 0);
            return {where, "cannot write: " + errno_text(error)};
        }
        written += static_cast<std::size_t>(wrote);
    }
    if (::renameat(dir.fd.get(), temporary.c_str(), dir.fd.get(), std::string(name).c_str()) != 0) {
        const int error = errno;
        ::unlinkat(dir.fd.get(), temporary.c_str(), 0);
        return {where, "cannot replace the file: " + errno_text(error)};
    }
    return {};
}

bool read_small_file(const StateDir& dir, std::string_view name, std::string& out,
                     std::size_t max_bytes) {
    const UniqueFd fd{::openat(dir.fd.get(), std::string(name).c_str(),
                               O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)};
    if (!fd) return false;
    out.clear();
    char chunk[4096];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return false;
        if (got == 0) return true;
        out.append(chunk, static_cast<std::size_t>(got));
        if (out.size() > max_bytes) return false;
    }
}

}  // namespace spawngate
