#include "run_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "unique_fd.hpp"

namespace spawngate::testkit {
namespace {

struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    return {UniqueFd{fds[0]}, UniqueFd{fds[1]}};
}

void set_nonblocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads what is available; false at EOF or error.
bool drain(int fd, std::string& out) {
    char chunk[65536];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got > 0) {
            out.append(chunk, static_cast<std::size_t>(got));
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        return got < 0 && errno == EAGAIN;
    }
}

}  // namespace

ProcessResult run_process(const std::string& executable, const ProcessRun& run) {
    // A child that stops reading its stdin must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    Pipe in = make_pipe();
    Pipe out = make_pipe();
    Pipe err = make_pipe();

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read_end.get(), 0);
    posix_spawn_file_actions_adddup2(&actions, out.write_end.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err.write_end.get(), 2);

    std::vector<char*> argv{const_cast<char*>(executable.c_str())};
    for (const auto& argument : run.arguments) argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& entry : run.environment) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);

    const auto started = std::chrono::steady_clock::now();
    pid_t pid = 0;
    const int spawn_error =
        ::posix_spawn(&pid, executable.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0)
        throw std::runtime_error("cannot start " + executable + ": " + std::strerror(spawn_error));
    in.read_end.reset();
    out.write_end.reset();
    err.write_end.reset();

    ProcessResult result;
    std::size_t written = 0;
    if (run.stdin_text.empty() && run.close_stdin) in.write_end.reset();
    if (in.write_end) set_nonblocking(in.write_end.get());
    set_nonblocking(out.read_end.get());
    set_nonblocking(err.read_end.get());
    const auto deadline = started + run.timeout;
    bool out_open = true;
    bool err_open = true;
    while (out_open || err_open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const bool writing = in.write_end && written < run.stdin_text.size();
        pollfd fds[3] = {{out_open ? out.read_end.get() : -1, POLLIN, 0},
                         {err_open ? err.read_end.get() : -1, POLLIN, 0},
                         {writing ? in.write_end.get() : -1, POLLOUT, 0}};
        const int ready = ::poll(fds, 3, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        if (fds[0].revents) out_open = drain(out.read_end.get(), result.stdout_text);
        if (fds[1].revents) err_open = drain(err.read_end.get(), result.stderr_text);
        if (writing && fds[2].revents) {
            const ssize_t wrote = ::write(in.write_end.get(), run.stdin_text.data() + written,
                                          run.stdin_text.size() - written);
            if (wrote > 0) written += static_cast<std::size_t>(wrote);
            // EPIPE: the child stopped reading; that is its answer, not ours to judge here.
            if (wrote < 0 && errno != EAGAIN && errno != EINTR) in.write_end.reset();
            if (in.write_end && written == run.stdin_text.size() && run.close_stdin)
                in.write_end.reset();
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

}  // namespace spawngate::testkit
