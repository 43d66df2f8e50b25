#include "respawn_guard.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "unique_fd.hpp"

extern char** environ;

namespace spawngate {

void RespawnGuard::prune(History& history, std::uint64_t now_ms) const {
    std::erase_if(history.reaps_ms,
                  [&](std::uint64_t at) { return at + window_ms_ <= now_ms || at > now_ms; });
}

RespawnGuard::Verdict RespawnGuard::check(const std::string& rule, const std::string& cmdline,
                                          std::uint64_t now_ms) {
    History& history = histories_[{rule, cmdline}];
    prune(history, now_ms);
    if (history.suppressed_until_ms > now_ms) return Verdict::Suppressed;
    if (history.reaps_ms.size() >= limit_) {
        history.suppressed_until_ms = now_ms + window_ms_;
        history.reaps_ms.clear();
        return Verdict::Escalate;
    }
    return Verdict::Allow;
}

void RespawnGuard::record_reap(const std::string& rule, const std::string& cmdline,
                               std::uint64_t now_ms) {
    History& history = histories_[{rule, cmdline}];
    prune(history, now_ms);
    history.reaps_ms.push_back(now_ms);
}

std::size_t RespawnGuard::recent_reaps(const std::string& rule, const std::string& cmdline,
                                       std::uint64_t now_ms) const {
    const auto found = histories_.find({rule, cmdline});
    if (found == histories_.end()) return 0;
    return static_cast<std::size_t>(
        std::count_if(found->second.reaps_ms.begin(), found->second.reaps_ms.end(),
                      [&](std::uint64_t at) { return at + window_ms_ > now_ms && at <= now_ms; }));
}

std::string RespawnGuard::save() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& [key, history] : histories_) {
        if (history.reaps_ms.empty() && history.suppressed_until_ms == 0) continue;
        entries.push_back({{"rule", key.first},
                           {"cmdline", key.second},
                           {"reaps_ms", history.reaps_ms},
                           {"suppressed_until_ms", history.suppressed_until_ms}});
    }
    return nlohmann::json{{"spawnreaper_state", 1}, {"respawns", entries}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool RespawnGuard::load(const std::string& text) {
    histories_.clear();
    const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object() ||
        document.value("spawnreaper_state", 0) != 1)
        return false;
    const auto entries = document.find("respawns");
    if (entries == document.end() || !entries->is_array()) return false;
    try {
        for (const auto& entry : *entries) {
            History history;
            history.reaps_ms = entry.at("reaps_ms").get<std::vector<std::uint64_t>>();
            history.suppressed_until_ms = entry.at("suppressed_until_ms").get<std::uint64_t>();
            histories_[{entry.at("rule").get<std::string>(),
                        entry.at("cmdline").get<std::string>()}] = history;
        }
    } catch (const nlohmann::json::exception&) {
        histories_.clear();
        return false;
    }
    return true;
}

Problem run_escalation_command(const std::vector<std::string>& argv, const std::string& event_json,
                               std::uint64_t timeout_ms) {
    const std::string where = argv.empty() ? "escalation_command" : argv.front();
    if (argv.empty() || argv.front().empty() || argv.front().front() != '/')
        return {where, "the escalation command must be an absolute path"};
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
        return {where, fmt::format("pipe: {}", std::strerror(errno))};
    UniqueFd read_end{pipe_fds[0]};
    UniqueFd write_end{pipe_fds[1]};

    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, read_end.get(), STDIN_FILENO);
    ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    // The reaper blocks its stop signals during a cycle; the command must not inherit that mask
    // (it could then not be stopped by TERM).
    posix_spawnattr_t attributes;
    ::posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    pid_t child = 0;
    const int spawned = ::posix_spawn(&child, args[0], &actions, &attributes, args.data(), environ);
    ::posix_spawnattr_destroy(&attributes);
    ::posix_spawn_file_actions_destroy(&actions);
    read_end.reset();
    if (spawned != 0) return {where, fmt::format("cannot start: {}", std::strerror(spawned))};

    // The event is small (one JSON object); a command that does not read it gets EPIPE, not us
    // killed by SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    const std::string payload = fmt::format("{}\n", event_json);
    [[maybe_unused]] const ssize_t wrote = ::write(write_end.get(), payload.data(), payload.size());
    ::sigaction(SIGPIPE, &previous, nullptr);
    write_end.reset();

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) break;
        if (done < 0 && errno != EINTR)
            return {where, fmt::format("waitpid: {}", std::strerror(errno))};
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(child, SIGKILL);  // our own child, not yet reaped: its pid cannot be reused
            ::waitpid(child, &status, 0);
            return {where, fmt::format("did not finish within {} ms; killed", timeout_ms)};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return {where, fmt::format("exited with status {}",
                               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status))};
}

}  // namespace spawngate
