#pragma once
// A process handle that cannot be recycled: pidfd_open(2) and pidfd_send_signal(2) (Linux 5.3
// and 5.1). A pid number is reused once its process is reaped, so kill(pid) after any delay may
// hit a stranger; a signal sent through a pidfd reaches the process it was opened for or fails
// with ESRCH. glibc 2.36 has no wrappers, so the raw syscalls are used.

#include <sys/types.h>

#include <cstdint>

#include "unique_fd.hpp"

namespace spawngate {

class PidFd {
  public:
    PidFd() = default;  // holds nothing
    // Opens a pidfd for `pid`. On failure the result is invalid and `error` says why: ESRCH (gone),
    // ENOSYS (kernel without pidfds), EPERM, EMFILE.
    static PidFd open(pid_t pid, int& error);

    bool valid() const { return fd_.valid(); }
    int get() const { return fd_.get(); }

    // Sends `signal`; 0 on success, else the errno (ESRCH: it has exited).
    int send_signal(int signal) const;

    // Waits until the process exits or `timeout_ms` passes; true once it has exited. Returns at
    // once when it already has (a zombie counts as exited: it runs no more code).
    bool wait_for_exit(int timeout_ms) const;

  private:
    explicit PidFd(int fd) : fd_(fd) {}
    UniqueFd fd_;
};

// True when this kernel supports pidfd_open (probed once, on our own pid).
bool pidfd_supported();

}  // namespace spawngate
