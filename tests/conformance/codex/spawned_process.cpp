#include "spawned_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace spawngate::conformance {
namespace {

void write_text(int fd, const char* text) {
    const ssize_t ignored = ::write(fd, text, std::strlen(text));
    (void)ignored;
}

[[noreturn]] void fail_in_child(int code, const char* what) {
    write_text(2, what);
    write_text(2, ": ");
    write_text(2, std::strerror(errno));
    write_text(2, "\n");
    ::_exit(code);
}

// Between fork and exec: only async-signal-safe calls, everything prepared before the fork.
[[noreturn]] void become_child(pid_t parent, const ProcessSpec& spec, char* const* argv,
                               char* const* envp) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);
    ::signal(SIGPIPE, SIG_DFL);
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(spec.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(spec.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
        ::dup2(err, 2) < 0)
        ::_exit(125);
    if (!spec.working_directory.empty() && ::chdir(spec.working_directory.c_str()) != 0)
        fail_in_child(126, "cannot enter the working directory");
    if (!spec.cgroup_procs_file.empty()) {
        // Join as this very process, so everything the CLI starts is born inside the cgroup.
        const int procs = ::open(spec.cgroup_procs_file.c_str(), O_WRONLY | O_CLOEXEC);
        if (procs < 0 || ::write(procs, "0", 1) != 1) fail_in_child(126, "cannot join the cgroup");
        ::close(procs);
    }
    ::execve(argv[0], argv, envp);
    fail_in_child(127, "execve failed");
}

}  // namespace

std::string SpawnedProcess::start(const ProcessSpec& spec) {
    if (spec.argv.empty()) return "no program to start";
    std::vector<std::string> argv_text = spec.argv;
    std::vector<std::string> environment = spec.environment;
    std::vector<char*> argv;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);

    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid == 0) become_child(parent, spec, argv.data(), envp.data());
    ::setpgid(pid, pid);  // also from the parent, so kill_group never races the child's setpgid
    pid_ = pid;
    exit_status_.reset();
    return {};
}

bool SpawnedProcess::running() {
    return pid_ > 0 && !wait_for_exit(std::chrono::milliseconds(0));
}

std::optional<int> SpawnedProcess::wait_for_exit(std::chrono::milliseconds limit) {
    if (exit_status_ || pid_ <= 0) return exit_status_;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return exit_status_;
        }
        if (done < 0 && errno != EINTR) return std::nullopt;
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void SpawnedProcess::kill_group() {
    if (pid_ <= 0) return;
    // The group outlives its leader: the native CLI, a shell it started, a hook still running.
    ::kill(-pid_, SIGKILL);
    if (!exit_status_) {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    pid_ = -1;
}

}  // namespace spawngate::conformance
