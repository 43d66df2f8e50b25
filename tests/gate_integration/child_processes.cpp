#include "child_processes.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spawngate::integration {
namespace {

// In the child right after fork: die with the test process, even if it crashes before the
// destructors run (the race where the parent died before prctl is closed by the getppid check).
void die_with_parent(pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
}

[[noreturn]] void sleep_forever() {
    for (;;) ::pause();
}

void* hold_thread(void*) {
    sleep_forever();
}

// The thread holder's body: wait until the parent has moved this process into the cgroup (so
// every thread is born inside it), then start the threads.
[[noreturn]] void hold_threads(int go_fd, int tasks) {
    char go = 0;
    ssize_t got = 0;
    do {
        got = ::read(go_fd, &go, 1);
    } while (got < 0 && errno == EINTR);
    if (got != 1) ::_exit(1);
    ::close(go_fd);
    pthread_attr_t attributes;
    ::pthread_attr_init(&attributes);
    ::pthread_attr_setstacksize(&attributes, 64 * 1024);
    for (int started = 1; started < tasks; ++started) {
        pthread_t thread;
        if (::pthread_create(&thread, &attributes, hold_thread, nullptr) != 0) ::_exit(2);
    }
    sleep_forever();
}

}  // namespace

std::string ChildProcesses::add_sleepers(const ScopedPidsCgroup& cgroup, int count) {
    const pid_t parent = ::getpid();
    for (int i = 0; i < count; ++i) {
        const pid_t pid = ::fork();
        if (pid < 0) return std::string("fork: ") + std::strerror(errno);
        if (pid == 0) {
            die_with_parent(parent);
            sleep_forever();
        }
        pids_.push_back(pid);
        if (std::string error = cgroup.attach(pid); !error.empty()) return error;
    }
    return {};
}

std::string ChildProcesses::add_thread_holder(const ScopedPidsCgroup& cgroup, int tasks) {
    int go[2];
    if (::pipe2(go, O_CLOEXEC) != 0) return std::string("pipe2: ") + std::strerror(errno);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int fork_errno = errno;
        ::close(go[0]);
        ::close(go[1]);
        return std::string("fork: ") + std::strerror(fork_errno);
    }
    if (pid == 0) {
        die_with_parent(parent);
        ::close(go[1]);
        hold_threads(go[0], tasks);
    }
    ::close(go[0]);
    pids_.push_back(pid);
    std::string error = cgroup.attach(pid);
    // Released either way: on failure the holder starts its threads outside, harmlessly, and is
    // killed with the rest.
    const char byte = 'g';
    if (::write(go[1], &byte, 1) != 1 && error.empty())
        error = std::string("cannot release the thread holder: ") + std::strerror(errno);
    ::close(go[1]);
    return error;
}

void ChildProcesses::kill_all() {
    for (const int pid : pids_) ::kill(pid, SIGKILL);
    for (const int pid : pids_) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    pids_.clear();
}

}  // namespace spawngate::integration
