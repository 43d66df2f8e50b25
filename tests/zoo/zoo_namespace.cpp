#include "zoo_namespace.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>
#include <thread>

#include "pidfd.hpp"

namespace spawngate::zoo {
namespace {

// argv/envp arrays built before fork, so the child only execs.
class ExecArguments {
  public:
    explicit ExecArguments(const Command& command) : command_(command) {
        for (const std::string& word : command_.argv) argv_.push_back(word.c_str());
        argv_.push_back(nullptr);
        for (const std::string& entry : command_.environment) envp_.push_back(entry.c_str());
        envp_.push_back(nullptr);
    }
    char* const* argv() const { return const_cast<char* const*>(argv_.data()); }
    char* const* envp() const { return const_cast<char* const*>(envp_.data()); }

  private:
    const Command& command_;
    std::vector<const char*> argv_;
    std::vector<const char*> envp_;
};

// One line to the parent over the report pipe ("ready", or "error <what>: <strerror>"). Lines are
// far below PIPE_BUF, so the two writers (the middle process and PID 1) never interleave.
void report(int fd, std::string_view line) {
    std::string text(line);
    text += '\n';
    [[maybe_unused]] const ssize_t written = ::write(fd, text.data(), text.size());
}

[[noreturn]] void fail(int fd, std::string_view what) {
    report(fd, "error " + std::string(what) + ": " + std::strerror(errno));
    ::_exit(1);
}

// The session, started by PID 1 with posix_spawn: a session of its own (a login shell's parent
// calls setsid), its own working directory and output file, the signal mask and dispositions of
// a fresh process.
pid_t spawn_session(const Command& session, const ExecArguments& arguments) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, session.output_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addchdir_np(&actions, session.directory.c_str());
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attributes, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int error = ::posix_spawn(&pid, session.argv[0].c_str(), &actions, &attributes,
                                    arguments.argv(), arguments.envp());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    errno = error;
    return error == 0 ? pid : -1;
}

// PID 1 of the namespace. It must mount /proc itself: a proc mount shows the PID namespace of
// the process that mounts it, and the middle process is still in the host's.
[[noreturn]] void run_as_init(const Command& session, const ExecArguments& arguments,
                              int report_fd) {
    // The middle process died (the test died): take the namespace down with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::prctl(PR_SET_NAME, "zoo-init");
    // Mount events must not propagate back to the host's mount namespace (unshare(1) does the
    // same before --mount-proc).
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        fail(report_fd, "making / private in the new mount namespace");
    if (::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        fail(report_fd, "mounting the namespace's /proc");
    if (spawn_session(session, arguments) < 0) fail(report_fd, "starting " + session.argv[0]);
    report(report_fd, "ready");
    ::close(report_fd);
    // Reap whatever ends here: the session's orphans are re-parented to PID 1. ECHILD is not the
    // end: a process entered with setns may still leave an orphan later.
    for (;;) {
        if (::waitpid(-1, nullptr, 0) < 0 && errno == ECHILD)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// Reads the report lines until both "init PID" and "ready" came, or an error, for at most 10 s.
std::string read_report(int fd) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const auto complete = [&] {
        return text.find("error") != std::string::npos ||
               (text.find("ready\n") != std::string::npos &&
                text.find("init ") != std::string::npos);
    };
    while (!complete()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return text + "error no report from the namespace within 10 s";
        pollfd watch{fd, POLLIN, 0};
        if (::poll(&watch, 1, static_cast<int>(left.count())) <= 0) continue;
        char buffer[512];
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0) return text + "error the namespace exited before it was ready";
        text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
}

}  // namespace

ZooNamespace::ZooNamespace(pid_t middle_pid, pid_t init_host_pid, PidFd init)
    : middle_pid_(middle_pid),
      init_host_pid_(init_host_pid),
      init_(std::move(init)),
      root_(Root{"/"}.join("/proc/" + std::to_string(init_host_pid) + "/root")) {}

std::unique_ptr<ZooNamespace> ZooNamespace::start(const Command& session, std::string& why_not) {
    const ExecArguments arguments(session);
    // report: the middle process and PID 1 tell us how the start went. release: closed by us once
    // we hold PID 1's pidfd; until then the middle does not reap PID 1, so the number we open
    // cannot have been recycled.
    int report_fds[2], release_fds[2];
    if (::pipe2(report_fds, O_CLOEXEC) != 0 || ::pipe2(release_fds, O_CLOEXEC) != 0) {
        why_not = std::string("pipe2: ") + std::strerror(errno);
        return nullptr;
    }
    UniqueFd report_read(report_fds[0]), report_write(report_fds[1]);
    UniqueFd release_read(release_fds[0]), release_write(release_fds[1]);
    const pid_t middle = ::fork();
    if (middle < 0) {
        why_not = std::string("fork: ") + std::strerror(errno);
        return nullptr;
    }
    if (middle == 0) {
        // The middle process: unshare(CLONE_NEWPID) moves only its future children into the new
        // PID namespace, so the next fork is PID 1 there (unshare(1) --fork does the same).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        release_write.reset();
        if (::unshare(CLONE_NEWPID | CLONE_NEWNS) != 0)
            fail(report_write.get(), "unshare(CLONE_NEWPID | CLONE_NEWNS)");
        const pid_t init = ::fork();
        if (init < 0) fail(report_write.get(), "fork of PID 1");
        if (init == 0) run_as_init(session, arguments, report_write.get());
        report(report_write.get(), "init " + std::to_string(init));
        report_write.reset();  // PID 1 dying without a word then shows as EOF
        char ignored = 0;
        while (::read(release_read.get(), &ignored, 1) < 0 && errno == EINTR) {
        }
        // Reaps PID 1 when it dies, so no zombie outlives the test.
        while (::waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
        }
        ::_exit(0);
    }
    report_write.reset();
    release_read.reset();
    const std::string text = read_report(report_read.get());
    const auto init_at = text.find("init ");
    const auto error_at = text.find("error ");
    int error = 0;
    PidFd init;
    if (error_at == std::string::npos && init_at != std::string::npos)
        init = PidFd::open(static_cast<pid_t>(std::stol(text.substr(init_at + 5))), error);
    release_write.reset();
    if (!init.valid()) {
        ::kill(middle, SIGKILL);  // our unreaped child: the pid cannot belong to anyone else
        ::waitpid(middle, nullptr, 0);
        if (error_at != std::string::npos)
            why_not = text.substr(error_at + 6);
        else if (init_at == std::string::npos)
            why_not = "no PID 1 reported: " + text;
        else
            why_not = std::string("pidfd_open of PID 1: ") + std::strerror(error);
        while (!why_not.empty() && why_not.back() == '\n') why_not.pop_back();
        return nullptr;
    }
    const pid_t init_host_pid = static_cast<pid_t>(std::stol(text.substr(init_at + 5)));
    return std::unique_ptr<ZooNamespace>(new ZooNamespace(middle, init_host_pid, std::move(init)));
}

ZooNamespace::~ZooNamespace() {
    // PID 1's death kills every process of the namespace (pid_namespaces(7)); it exits, turning
    // its pidfd readable, only once they are all gone. The middle process then reaps it and
    // exits.
    init_.send_signal(SIGKILL);
    if (!init_.wait_for_exit(10000)) ::kill(middle_pid_, SIGKILL);  // our unreaped child
    ::waitpid(middle_pid_, nullptr, 0);
}

CommandRun ZooNamespace::run_inside(const Command& command,
                                    std::chrono::milliseconds timeout) const {
    CommandRun run;
    const Root host{"/"};
    const std::string proc_dir = "/proc/" + std::to_string(init_host_pid_);
    const UniqueFd pid_namespace = host.open_read(proc_dir + "/ns/pid");
    const UniqueFd mount_namespace = host.open_read(proc_dir + "/ns/mnt");
    if (!pid_namespace.valid() || !mount_namespace.valid()) return run;
    const ExecArguments arguments(command);
    const pid_t outer = ::fork();
    if (outer < 0) return run;
    if (outer == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // setns(CLONE_NEWPID) applies to children only, hence the second fork.
        if (::setns(pid_namespace.get(), CLONE_NEWPID) != 0) ::_exit(126);
        if (::setns(mount_namespace.get(), CLONE_NEWNS) != 0) ::_exit(126);
        const pid_t inner = ::fork();
        if (inner < 0) ::_exit(126);
        if (inner == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            const int output =
                ::open(command.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (output < 0 || ::dup2(output, 1) < 0 || ::dup2(output, 2) < 0) ::_exit(126);
            if (::chdir(command.directory.c_str()) != 0) ::_exit(126);
            ::execve(command.argv[0].c_str(), arguments.argv(), arguments.envp());
            ::_exit(127);
        }
        int status = 0;
        while (::waitpid(inner, &status, 0) < 0 && errno == EINTR) {
        }
        if (WIFSIGNALED(status)) ::_exit(128 + WTERMSIG(status));
        ::_exit(WEXITSTATUS(status));
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(outer, &status, WNOHANG);
        if (done == outer) {
            // The outer process passes the inner one's status on as a shell does: 128 + signal.
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            if (code > 128)
                run.signal = code - 128;
            else
                run.exit_code = code;
            return run;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            run.timed_out = true;
            ::kill(outer, SIGKILL);  // our unreaped child; the inner one dies of PDEATHSIG
            ::waitpid(outer, nullptr, 0);
            return run;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace spawngate::zoo
