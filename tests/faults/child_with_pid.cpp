#include "child_with_pid.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <utility>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

namespace spawngate::faults {
namespace {

// struct clone_args of <linux/sched.h> up to set_tid_size (CLONE_ARGS_SIZE_VER1), declared here
// because that header's CLONE_* macros clash with glibc's <sched.h>.
struct CloneArgs {
    std::uint64_t flags;
    std::uint64_t pidfd;
    std::uint64_t child_tid;
    std::uint64_t parent_tid;
    std::uint64_t exit_signal;
    std::uint64_t stack;
    std::uint64_t stack_size;
    std::uint64_t tls;
    std::uint64_t set_tid;
    std::uint64_t set_tid_size;
};

}  // namespace

ChildWithPid::ChildWithPid(ChildWithPid&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}

ChildWithPid& ChildWithPid::operator=(ChildWithPid&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::move(other.pidfd_);
    }
    return *this;
}

ChildWithPid::~ChildWithPid() {
    kill_and_reap();
}

void ChildWithPid::kill_and_reap() {
    if (pid_ <= 0) return;
    if (pidfd_.valid()) pidfd_.send_signal(SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

ChildWithPid ChildWithPid::spawn(pid_t pid, const std::string& path,
                                 const std::vector<std::string>& argv,
                                 const std::string& cgroup_procs, std::string& why_not) {
    ChildWithPid child;
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    int exec_pipe[2];
    if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
        why_not = std::string("pipe2: ") + std::strerror(errno);
        return child;
    }
    pid_t wanted[1] = {pid};
    CloneArgs clone_args{};
    clone_args.exit_signal = SIGCHLD;
    clone_args.set_tid = reinterpret_cast<std::uintptr_t>(wanted);
    clone_args.set_tid_size = 1;
    const long got = ::syscall(SYS_clone3, &clone_args, sizeof clone_args);
    if (got == 0) {
        ::close(exec_pipe[0]);
        if (!cgroup_procs.empty()) {
            const int fd = ::open(cgroup_procs.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(126);
            ::close(fd);
        }
        ::signal(SIGTERM, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(path.c_str(), args.data());
        ::_exit(127);
    }
    const int error = errno;
    ::close(exec_pipe[1]);
    if (got < 0) {
        ::close(exec_pipe[0]);
        why_not = "clone3 with set_tid " + std::to_string(pid) + ": " + std::strerror(error);
        return child;
    }
    char ignored = 0;
    while (::read(exec_pipe[0], &ignored, 1) < 0 && errno == EINTR) {
    }
    ::close(exec_pipe[0]);
    child.pid_ = static_cast<pid_t>(got);
    int open_error = 0;
    child.pidfd_ = PidFd::open(child.pid_, open_error);
    return child;
}

}  // namespace spawngate::faults
