#include "marked_processes.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spawngate::integration {
namespace {

// The child between fork and exec: only async-signal-safe calls. Any failure is reported as its
// errno through the close-on-exec pipe, which otherwise closes silently at the exec.
[[noreturn]] void become_marked(pid_t parent, int report_fd, const char* procs_file,
                                bool ignore_term, const char* executable, char* const* argv) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);
    int error = 0;
    const int procs = ::open(procs_file, O_WRONLY | O_CLOEXEC);
    if (procs < 0 || ::write(procs, "0", 1) != 1) {
        error = errno;
    } else {
        ::close(procs);
        ::signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execv(executable, argv);
        error = errno;
    }
    [[maybe_unused]] const ssize_t wrote = ::write(report_fd, &error, sizeof error);
    ::_exit(126);
}

}  // namespace

MarkedProcesses::MarkedProcesses() {
    if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
    waiter_ = std::thread([this] { wait_for_exits(); });
}

MarkedProcesses::~MarkedProcesses() {
    kill_all();
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_waiter();
    waiter_.join();
    // Anything the waiter could not reap in time is reaped here, now that nobody else waits.
    for (auto& [pid, child] : children_)
        if (!child.reaped) {
            child.pidfd.send_signal(SIGKILL);
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    for (const int fd : wake_pipe_)
        if (fd >= 0) ::close(fd);
}

MarkedProcess MarkedProcesses::start(const ScopedPidsCgroup& cgroup,
                                     const std::vector<std::string>& argv, bool ignore_term,
                                     const std::string& executable) {
    std::vector<std::string> argv_text = argv;
    std::vector<char*> argv_pointers;
    for (auto& text : argv_text) argv_pointers.push_back(text.data());
    argv_pointers.push_back(nullptr);
    const std::string procs_file = cgroup.procs_file();

    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return {-1, std::string("pipe2: ") + std::strerror(errno)};
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(report[0]);
        become_marked(parent, report[1], procs_file.c_str(), ignore_term, executable.c_str(),
                      argv_pointers.data());
    }
    ::close(report[1]);
    if (pid < 0) {
        ::close(report[0]);
        return {-1, std::string("fork: ") + std::strerror(errno)};
    }
    int child_errno = 0;
    ssize_t got = 0;
    do {
        got = ::read(report[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    ::close(report[0]);
    if (got != 0) {  // the child said why it could not exec, or vanished before telling
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return {-1, "cannot start " + executable + " in " + cgroup.directory() + ": " +
                        std::strerror(got == sizeof child_errno ? child_errno : EIO)};
    }
    int pidfd_errno = 0;
    PidFd pidfd = PidFd::open(pid, pidfd_errno);
    if (!pidfd.valid()) {
        ::kill(pid, SIGKILL);  // still an unreaped child of ours: the pid cannot be recycled yet
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return {-1, std::string("pidfd_open: ") + std::strerror(pidfd_errno)};
    }
    {
        const std::lock_guard lock(mutex_);
        children_[pid].pidfd = std::move(pidfd);
    }
    wake_waiter();
    return {pid, {}};
}

bool MarkedProcesses::has_exited(pid_t pid) const {
    const std::lock_guard lock(mutex_);
    const auto found = children_.find(pid);
    return found != children_.end() && found->second.pidfd.wait_for_exit(0);
}

std::optional<int> MarkedProcesses::wait_status(pid_t pid,
                                                std::chrono::milliseconds patience) const {
    std::unique_lock lock(mutex_);
    const auto found = children_.find(pid);
    if (found == children_.end()) return std::nullopt;
    reaped_.wait_for(lock, patience, [&] { return found->second.reaped; });
    return found->second.status;
}

void MarkedProcesses::kill_all() {
    std::unique_lock lock(mutex_);
    for (auto& [pid, child] : children_)
        if (!child.reaped) child.pidfd.send_signal(SIGKILL);
    reaped_.wait_for(lock, std::chrono::seconds(30), [&] {
        for (const auto& [pid, child] : children_)
            if (!child.reaped) return false;
        return true;
    });
}

void MarkedProcesses::wake_waiter() const {
    const char byte = 'w';
    [[maybe_unused]] const ssize_t wrote = ::write(wake_pipe_[1], &byte, 1);
}

void MarkedProcesses::wait_for_exits() {
    for (;;) {
        // Poll the wake pipe and every child not yet reaped; children are never removed while
        // this thread runs, so their descriptors stay open.
        std::vector<pollfd> watched{{wake_pipe_[0], POLLIN, 0}};
        std::vector<pid_t> pids{0};
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) return;
            for (const auto& [pid, child] : children_)
                if (!child.reaped) {
                    watched.push_back({child.pidfd.get(), POLLIN, 0});
                    pids.push_back(pid);
                }
        }
        if (::poll(watched.data(), watched.size(), -1) < 0 && errno != EINTR) return;
        char drained[64];
        while (::read(wake_pipe_[0], drained, sizeof drained) > 0) {
        }
        for (std::size_t i = 1; i < watched.size(); ++i) {
            if (!(watched[i].revents & POLLIN)) continue;
            int status = 0;
            const pid_t got = ::waitpid(pids[i], &status, WNOHANG);
            if (got == 0 || (got < 0 && errno == EINTR)) continue;
            const std::lock_guard lock(mutex_);
            Child& child = children_[pids[i]];
            child.reaped = true;  // by us, or (ECHILD) by someone else: either way, gone
            if (got == pids[i]) child.status = status;
        }
        reaped_.notify_all();
    }
}

}  // namespace spawngate::integration
