#include "pidfd.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "pidfd_syscalls.hpp"

namespace spawngate {

PidFd PidFd::open(pid_t pid, int& error) {
    // pidfds are O_CLOEXEC by definition (pidfd_open(2)).
    const long fd = ::syscall(SYS_pidfd_open, pid, 0u);
    error = fd < 0 ? errno : 0;
    return PidFd{fd < 0 ? -1 : static_cast<int>(fd)};
}

int PidFd::send_signal(int signal) const {
    if (::syscall(SYS_pidfd_send_signal, fd_.get(), signal, nullptr, 0u) == 0) return 0;
    return errno;
}

bool PidFd::wait_for_exit(int timeout_ms) const {
    pollfd watch{fd_.get(), POLLIN, 0};
    for (;;) {
        const int ready = ::poll(&watch, 1, timeout_ms < 0 ? 0 : timeout_ms);
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) return false;
    }
}

bool pidfd_supported() {
    static const bool supported = [] {
        int error = 0;
        const PidFd self = PidFd::open(::getpid(), error);
        return self.valid() || error != ENOSYS;
    }();
    return supported;
}

}  // namespace spawngate
