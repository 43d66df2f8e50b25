#include "burst_agents.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace spawngate::incident {
namespace {

void* idle_thread(void*) {
    for (;;) ::pause();
    return nullptr;
}

// Holds one more task (a thread) in this process; false when the kernel refused it.
bool add_thread() {
    pthread_t thread;
    return ::pthread_create(&thread, nullptr, idle_thread, nullptr) == 0;
}

// A child process that holds `threads` threads besides itself, then idles. Returns the tasks it
// holds (0 when the fork itself was refused); refusals are added to `failures`.
int add_process_with_threads(int threads, int& failures) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return 0;
    const pid_t child = ::fork();
    if (child < 0) {
        ++failures;
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return 0;
    }
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::close(pipe_fds[0]);
        int got = 0, refused = 0;
        for (int i = 0; i < threads; ++i) (add_thread() ? got : refused)++;
        const int counts[2] = {got, refused};
        (void)!::write(pipe_fds[1], counts, sizeof counts);
        ::close(pipe_fds[1]);
        for (;;) ::pause();
    }
    ::close(pipe_fds[1]);
    int counts[2] = {0, threads};
    (void)!::read(pipe_fds[0], counts, sizeof counts);
    ::close(pipe_fds[0]);
    failures += counts[1];
    return 1 + counts[0];
}

// The agent: grows to `tasks` tasks (itself included), as processes of 5 tasks each and then
// threads, counting every task the kernel refused.
AgentReport grow_agent(int tasks) {
    AgentReport report;
    report.launched = true;
    report.tasks_created = 1;
    int attempted = 1;
    while (tasks - attempted >= 5) {
        report.tasks_created += add_process_with_threads(4, report.fork_failures);
        attempted += 5;
    }
    while (attempted < tasks) {
        ++attempted;
        if (add_thread()) {
            ++report.tasks_created;
        } else {
            ++report.fork_failures;
        }
    }
    return report;
}

// Runs the gate inside this (already joined) cgroup; returns its exit code, stderr captured.
int ask_gate(const BurstOptions& options, std::string& gate_stderr) {
    int err_pipe[2];
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) return -1;
    const pid_t gate = ::fork();
    if (gate < 0) return -1;
    if (gate == 0) {
        ::dup2(err_pipe[1], 2);
        const int null_fd = ::open("/dev/null", O_RDWR);
        ::dup2(null_fd, 0);
        ::dup2(null_fd, 1);
        std::vector<char*> argv{const_cast<char*>(options.gate_path.c_str())};
        for (const auto& arg : options.gate_arguments)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        char* empty_env[] = {nullptr};
        ::execve(argv[0], argv.data(), empty_env);
        ::_exit(127);
    }
    ::close(err_pipe[1]);
    char chunk[4096];
    for (;;) {
        const ssize_t got = ::read(err_pipe[0], chunk, sizeof chunk);
        if (got <= 0) break;
        gate_stderr.append(chunk, static_cast<std::size_t>(got));
    }
    ::close(err_pipe[0]);
    int status = 0;
    while (::waitpid(gate, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Serialises a report as "launched tasks failures gate_exit\nstderr\0". The NUL ends it: the
// agent's own children inherit the pipe, so the reader never sees end-of-file.
std::string encode(const AgentReport& r) {
    return std::to_string(r.launched) + " " + std::to_string(r.tasks_created) + " " +
           std::to_string(r.fork_failures) + " " + std::to_string(r.gate_exit) + "\n" +
           r.gate_stderr + '\0';
}

AgentReport decode(const std::string& text) {
    AgentReport r;
    int launched = 0;
    if (std::sscanf(text.c_str(), "%d %d %d %d", &launched, &r.tasks_created, &r.fork_failures,
                    &r.gate_exit) == 4)
        r.launched = launched != 0;
    const auto newline = text.find('\n');
    if (newline != std::string::npos) r.gate_stderr = text.substr(newline + 1);
    return r;
}

}  // namespace

std::vector<AgentReport> Burst::launch(const integration::ScopedPidsCgroup& cgroup,
                                       const BurstOptions& options) {
    std::vector<int> report_fds;
    for (int i = 0; i < options.agents; ++i) {
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0) break;
        const pid_t launcher = ::fork();
        if (launcher < 0) {
            ::close(pipe_fds[0]);
            ::close(pipe_fds[1]);
            break;
        }
        if (launcher == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            ::close(pipe_fds[0]);
            AgentReport report;
            const int join = ::open(cgroup.procs_file().c_str(), O_WRONLY | O_CLOEXEC);
            const bool joined = join >= 0 && ::write(join, "0", 1) == 1;
            if (join >= 0) ::close(join);
            if (joined) {
                if (!options.gate_path.empty())
                    report.gate_exit = ask_gate(options, report.gate_stderr);
                if (options.gate_path.empty() || report.gate_exit == 0) {
                    const AgentReport grown = grow_agent(options.tasks_per_agent);
                    report.launched = true;
                    report.tasks_created = grown.tasks_created;
                    report.fork_failures = grown.fork_failures;
                }
            }
            const std::string text = encode(report);
            (void)!::write(pipe_fds[1], text.data(), text.size());
            ::close(pipe_fds[1]);
            if (!report.launched) ::_exit(0);  // a refused launch leaves nothing behind
            for (;;) ::pause();
        }
        ::close(pipe_fds[1]);
        launchers_.push_back(launcher);
        report_fds.push_back(pipe_fds[0]);
    }
    std::vector<AgentReport> reports;
    for (const int fd : report_fds) {
        std::string text;
        char chunk[4096];
        pollfd waiting{fd, POLLIN, 0};
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (text.find('\0') == std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            const int ready = ::poll(&waiting, 1, 1000);
            if (ready < 0 && errno != EINTR) break;
            if (ready <= 0) continue;
            const ssize_t got = ::read(fd, chunk, sizeof chunk);
            if (got <= 0) break;
            text.append(chunk, static_cast<std::size_t>(got));
        }
        if (const auto end = text.find('\0'); end != std::string::npos) text.resize(end);
        ::close(fd);
        reports.push_back(decode(text));
    }
    return reports;
}

void Burst::stop_all() {
    for (const int pid : launchers_) ::kill(pid, SIGKILL);
    for (const int pid : launchers_) {
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    launchers_.clear();
}

}  // namespace spawngate::incident
