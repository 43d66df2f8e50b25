#include "gate_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <tuple>

namespace spawngate::integration {
namespace {

constexpr auto kHangLimit = std::chrono::seconds(60);

void write_text(int fd, const char* text) {
    const ssize_t ignored = ::write(fd, text, std::strlen(text));
    (void)ignored;
}

// The child between fork and exec: only async-signal-safe calls, everything prepared before.
[[noreturn]] void become_gate(pid_t parent, const int (&in)[2], const int (&out)[2],
                              const int (&err)[2], const char* procs_file, const char* gate_path,
                              char* const* argv, char* const* envp) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);
    ::signal(SIGPIPE, SIG_DFL);  // the test ignores it; the gate gets the default back
    if (::dup2(in[0], 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0) ::_exit(125);
    // Join the cgroup as this very process, so the gate measures from inside it.
    const int procs = ::open(procs_file, O_WRONLY | O_CLOEXEC);
    if (procs < 0 || ::write(procs, "0", 1) != 1) {
        write_text(2, "gate runner: cannot join the cgroup: ");
        write_text(2, std::strerror(errno));
        write_text(2, "\n");
        ::_exit(126);
    }
    ::close(procs);
    ::execve(gate_path, argv, envp);
    write_text(2, "gate runner: execve failed: ");
    write_text(2, std::strerror(errno));
    write_text(2, "\n");
    ::_exit(127);
}

void close_if_open(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

GateRun run_gate_in(const ScopedPidsCgroup& cgroup, const std::string& gate_path,
                    const std::vector<std::string>& arguments, const std::string& stdin_text) {
    GateRun run;
    static const bool sigpipe_ignored = [] {
        ::signal(SIGPIPE, SIG_IGN);  // a gate that never reads stdin must not kill the test
        return true;
    }();
    (void)sigpipe_ignored;

    std::vector<std::string> argv_text{gate_path};
    argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& text : argv_text) argv.push_back(text.data());
    argv.push_back(nullptr);
    std::string path_variable = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    std::string locale_variable = "LC_ALL=C";
    char* envp[] = {path_variable.data(), locale_variable.data(), nullptr};
    const std::string procs_file = cgroup.procs_file();

    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
        run.failure = std::string("pipe2: ") + std::strerror(errno);
        return run;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        run.failure = std::string("fork: ") + std::strerror(errno);
        for (int* pipe_fds : {in, out, err}) {
            ::close(pipe_fds[0]);
            ::close(pipe_fds[1]);
        }
        return run;
    }
    if (pid == 0)
        become_gate(parent, in, out, err, procs_file.c_str(), gate_path.c_str(), argv.data(), envp);

    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    int stdin_fd = in[1], stdout_fd = out[0], stderr_fd = err[0];
    ::fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
    std::size_t written = 0;
    if (stdin_text.empty()) close_if_open(stdin_fd);

    const auto deadline = std::chrono::steady_clock::now() + kHangLimit;
    while (stdout_fd >= 0 || stderr_fd >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            run.failure = "the gate did not finish within 60 s; killed";
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fds[3] = {{stdin_fd, POLLOUT, 0}, {stdout_fd, POLLIN, 0}, {stderr_fd, POLLIN, 0}};
        const int ready = ::poll(fds, 3, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            run.failure = std::string("poll: ") + std::strerror(errno);
            ::kill(pid, SIGKILL);
            break;
        }
        if (stdin_fd >= 0 && fds[0].revents) {
            const ssize_t wrote =
                ::write(stdin_fd, stdin_text.data() + written, stdin_text.size() - written);
            if (wrote > 0) written += static_cast<std::size_t>(wrote);
            // Done, or the gate closed its stdin (EPIPE): either way no more input.
            if (written == stdin_text.size() || (wrote < 0 && errno != EAGAIN))
                close_if_open(stdin_fd);
        }
        char chunk[4096];
        for (auto [index, fd, text] : {std::tuple{1, &stdout_fd, &run.stdout_text},
                                       std::tuple{2, &stderr_fd, &run.stderr_text}}) {
            if (*fd < 0 || !fds[index].revents) continue;
            const ssize_t got = ::read(*fd, chunk, sizeof chunk);
            if (got > 0) {
                text->append(chunk, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                close_if_open(*fd);
            }
        }
    }
    close_if_open(stdin_fd);
    close_if_open(stdout_fd);
    close_if_open(stderr_fd);

    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        run.exit_code = WEXITSTATUS(status);
        if (run.exit_code >= 125 && run.failure.empty())
            run.failure = "the gate runner's child failed before the gate ran: " + run.stderr_text;
    } else if (run.failure.empty()) {
        run.failure = "the gate died from signal " + std::to_string(WTERMSIG(status));
    }
    return run;
}

}  // namespace spawngate::integration
