#include "real_process.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace spawngate::testkit {
namespace {

[[noreturn]] void exec_child(const std::string& path, const std::vector<std::string>& argv,
                             bool ignore_term, const std::string& cgroup_procs) {
    if (!cgroup_procs.empty()) {
        const int fd = ::open(cgroup_procs.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(126);
        ::close(fd);
    }
    ::signal(SIGTERM, ignore_term ? SIG_IGN : SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(path.c_str(), args.data());
    ::_exit(127);
}

}  // namespace

RealProcess::RealProcess(RealProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      is_child_(other.is_child_),
      pidfd_(std::move(other.pidfd_)) {}

RealProcess& RealProcess::operator=(RealProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        is_child_ = other.is_child_;
        pidfd_ = std::move(other.pidfd_);
    }
    return *this;
}

RealProcess::~RealProcess() {
    kill_and_reap();
}

void RealProcess::kill_and_reap() {
    if (pid_ <= 0) return;
    if (pidfd_.valid()) pidfd_.send_signal(SIGKILL);
    if (is_child_) ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

RealProcess RealProcess::spawn(const std::string& path, const std::vector<std::string>& argv,
                               bool ignore_term, const std::string& cgroup_procs) {
    RealProcess process;
    // A close-on-exec pipe: its read end sees EOF once the child has exec'd, so the caller never
    // races a child that still carries the test binary's command line.
    int exec_pipe[2];
    if (::pipe2(exec_pipe, O_CLOEXEC) != 0) return process;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(exec_pipe[0]);
        exec_child(path, argv, ignore_term, cgroup_procs);
    }
    ::close(exec_pipe[1]);
    char ignored = 0;
    while (::read(exec_pipe[0], &ignored, 1) < 0 && errno == EINTR) {
    }
    ::close(exec_pipe[0]);
    if (pid < 0) return process;
    process.pid_ = pid;
    process.is_child_ = true;
    int error = 0;
    process.pidfd_ = PidFd::open(pid, error);
    return process;
}

RealProcess RealProcess::spawn_orphan(const std::string& path, const std::vector<std::string>& argv,
                                      const std::string& cgroup_procs) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
    const pid_t middle = ::fork();
    if (middle == 0) {
        ::close(pipe_fds[0]);
        int exec_pipe[2];
        if (::pipe2(exec_pipe, O_CLOEXEC) != 0) ::_exit(1);
        const pid_t grandchild = ::fork();
        if (grandchild == 0) {
            ::close(exec_pipe[0]);
            exec_child(path, argv, false, cgroup_procs);
        }
        ::close(exec_pipe[1]);
        char ignored = 0;
        while (::read(exec_pipe[0], &ignored, 1) < 0 && errno == EINTR) {
        }
        [[maybe_unused]] const ssize_t wrote = ::write(pipe_fds[1], &grandchild, sizeof grandchild);
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    pid_t grandchild = -1;
    const ssize_t got = ::read(pipe_fds[0], &grandchild, sizeof grandchild);
    ::close(pipe_fds[0]);
    if (middle > 0) ::waitpid(middle, nullptr, 0);
    if (got != sizeof grandchild || grandchild <= 0) return {};
    return adopt(grandchild);
}

RealProcess RealProcess::adopt(pid_t pid) {
    RealProcess process;
    int error = 0;
    process.pidfd_ = PidFd::open(pid, error);
    if (process.pidfd_.valid()) process.pid_ = pid;
    return process;
}

bool RealProcess::alive() const {
    return pidfd_.valid() && !pidfd_.wait_for_exit(0);
}

bool RealProcess::wait_exit(int timeout_ms) const {
    return !pidfd_.valid() || pidfd_.wait_for_exit(timeout_ms);
}

std::optional<int> RealProcess::reap() {
    if (!is_child_ || pid_ <= 0) return std::nullopt;
    if (!wait_exit(20'000)) return std::nullopt;  // the destructor kills it; the test fails
    int status = 0;
    if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    is_child_ = false;  // reaped: pid() still names it for the assertions
    return status;
}

std::vector<pid_t> children_of(pid_t pid, std::size_t expected, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        std::vector<pid_t> children;
        std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
        pid_t child = 0;
        while (in >> child) children.push_back(child);
        if (children.size() >= expected || std::chrono::steady_clock::now() >= deadline)
            return children;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

TestCgroup::TestCgroup(const std::string& name) : name_("/" + name) {
    const std::string mount = std::filesystem::exists("/sys/fs/cgroup/pids/cgroup.procs")
                                  ? "/sys/fs/cgroup/pids"
                                  : "/sys/fs/cgroup";
    directory_ = mount + name_;
    if (::geteuid() != 0) {
        why_not_ = "not root";
        return;
    }
    if (::mkdir(directory_.c_str(), 0755) != 0) {
        why_not_ = "cannot create " + directory_ + ": " + std::strerror(errno);
        return;
    }
    created_ = true;
}

TestCgroup::~TestCgroup() {
    if (!created_) return;
    // The guards have killed the processes; give the kernel a moment to empty the cgroup.
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::rmdir(directory_.c_str()) == 0 || errno == ENOENT) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string random_token() {
    std::random_device random;
    std::ostringstream token;
    token << std::hex << random() << random();
    return token.str();
}

}  // namespace spawngate::testkit
