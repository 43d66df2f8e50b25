#include "reaper_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "state_dir.hpp"
#include "text_parse.hpp"

namespace spawngate {

ReaperLock try_lock_reaper(std::string_view path) {
    ReaperLock lock;
    const SplitPath split = split_path(path);
    const StateDir dir = open_state_dir(split.directory, true);
    if (!dir.fd) {
        lock.problem = dir.problem;
        return lock;
    }
    lock.fd.reset(::openat(dir.fd.get(), split.name.c_str(),
                           O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lock.fd) {
        lock.problem = {std::string(path),
                        errno == ELOOP
                            ? std::string("the lock file is a symlink; refusing to follow it")
                            : fmt::format("cannot open the lock file: {}", std::strerror(errno))};
        return lock;
    }
    if (::flock(lock.fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK) {
            lock.problem = {std::string(path), fmt::format("flock: {}", std::strerror(errno))};
            lock.fd.reset();
            return lock;
        }
        char text[32] = {};
        const ssize_t got = ::pread(lock.fd.get(), text, sizeof text - 1, 0);
        const auto pid = got > 0 ? parse_u64(std::string_view(text, static_cast<std::size_t>(got)))
                                 : std::nullopt;
        lock.holder = pid ? static_cast<pid_t>(*pid) : 0;
        lock.state = ReaperLock::State::Busy;
        lock.fd.reset();
        return lock;
    }
    const std::string pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(lock.fd.get(), 0) == 0) {
        [[maybe_unused]] const ssize_t wrote = ::pwrite(lock.fd.get(), pid.data(), pid.size(), 0);
    }
    lock.state = ReaperLock::State::Held;
    return lock;
}

}  // namespace spawngate
