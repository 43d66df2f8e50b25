#include "spawned_children.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include <cerrno>
#include <thread>

extern char** environ;

namespace spawngate::load {

std::uint64_t now_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000u +
           static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000u;
}

pid_t SpawnedChildren::spawn(const std::string& executable, const std::vector<std::string>& argv,
                             int tag, const std::string& stderr_path) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = -1;
    // The environment passes through, so sanitizer options reach instrumented children.
    const int error =
        posix_spawn(&pid, executable.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) return -1;
    running_.push_back({pid, tag, now_ms()});
    return pid;
}

void SpawnedChildren::reap_exited(std::vector<EndedChild>& ended) {
    for (auto child = running_.begin(); child != running_.end();) {
        int status = 0;
        const pid_t got = ::waitpid(child->pid, &status, WNOHANG);
        if (got == child->pid || (got < 0 && errno == ECHILD)) {
            ended.push_back({child->pid, status, child->tag, child->started_ms, now_ms()});
            child = running_.erase(child);
        } else {
            ++child;
        }
    }
}

void SpawnedChildren::wait_all(std::chrono::milliseconds patience, std::vector<EndedChild>& ended) {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        reap_exited(ended);
        if (running_.empty() || std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    kill_and_reap_all(&ended);
}

void SpawnedChildren::kill_and_reap_all(std::vector<EndedChild>* ended) {
    for (const auto& child : running_) ::kill(child.pid, SIGKILL);
    for (const auto& child : running_) {
        int status = 0;
        while (::waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (ended) ended->push_back({child.pid, status, child.tag, child.started_ms, now_ms()});
    }
    running_.clear();
}

}  // namespace spawngate::load
