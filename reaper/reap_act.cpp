#include "reap_act.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>

#include "pidfd.hpp"
#include "proc_stat.hpp"

namespace spawngate {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t ms_since(Clock::time_point start) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// The target is still the process we decided about: same pid, same start time, not yet dead.
bool same_live_process(const Root& root, const ProcessRef& target) {
    const auto stat = read_proc_stat(root, target.pid);
    return stat && stat->start_time_ticks == target.start_time_ticks && !stat->is_zombie();
}

// One target being reaped.
struct Victim {
    TargetResult result;
    PidFd pidfd;           // when using pidfds
    bool pending = false;  // signalled and not yet seen to exit
    bool exited = false;
    bool killed_after_grace = false;  // SIGKILL went out after the grace
};

// Sets the outcome of a target that was held: exited, killed, or still alive after SIGKILL.
void finish(Victim& victim, std::uint64_t grace_ms, const ActOptions& options,
            Clock::time_point started) {
    TargetResult& result = victim.result;
    if (result.outcome != Outcome::DryRun) return;  // vanished or failed: already told
    if (victim.exited) {
        if (result.elapsed_ms == 0) result.elapsed_ms = ms_since(started);
        if (result.signals_sent.empty()) {
            result.outcome = Outcome::ExitedAfterSignal;
            result.detail = "exited before its own signal, once its descendants were signalled";
        } else if (victim.killed_after_grace) {
            result.outcome = Outcome::KilledAfterGrace;
            result.detail = "ignored " + result.signals_sent.front() + "; killed after the " +
                            std::to_string(grace_ms) + " ms grace";
        } else {
            result.outcome = Outcome::ExitedAfterSignal;
            result.detail = "exited after " + result.signals_sent.back() + " in " +
                            std::to_string(result.elapsed_ms) + " ms";
        }
        return;
    }
    result.outcome = Outcome::Failed;
    result.error = ETIMEDOUT;
    result.detail = "still alive " + std::to_string(options.kill_wait_ms) +
                    " ms after SIGKILL (uninterruptible sleep?)";
}

class Reaper {
  public:
    Reaper(const Root& root, const ActOptions& options)
        : root_(root), options_(options), use_pidfd_(options.use_pidfd && pidfd_supported()) {}

    // Opens and identity-checks one target; false when it is gone already or cannot be held.
    bool hold(Victim& victim) const {
        const ProcessRef& target = victim.result.target;
        // Deciding already excludes these; acting refuses them again, whatever the caller passes.
        if (target.pid <= 1 || target.pid == ::getpid() || target.pid == ::getppid())
            return failed(victim, EPERM, "signalling PID 1, the reaper or its parent (refused)");
        if (!use_pidfd_) return refused(victim, ENOSYS);
        notify(options_.observer, ProcessStep::PidfdOpen, target.pid);
        int error = 0;
        victim.pidfd = PidFd::open(target.pid, error);
        if (!victim.pidfd.valid()) {
            if (error == ESRCH) return vanished(victim);
            // ENOSYS: before Linux 5.3. EPERM: a seccomp profile that predates pidfd_open
            // (pidfd_open itself never checks permissions).
            if (error == ENOSYS || error == EPERM) return refused(victim, error);
            return failed(victim, error, "pidfd_open");
        }
        // With the pidfd held, a later reuse of the pid cannot change what the pidfd points at;
        // this check makes sure it points at the process we decided about.
        notify(options_.observer, ProcessStep::IdentityCheck, target.pid);
        if (!same_live_process(root_, target)) return vanished(victim);
        return true;
    }

    // Sends `signal` through the pidfd; false when the target is done (vanished or failed).
    bool send(Victim& victim, int signal) const {
        notify(options_.observer, ProcessStep::Signal, victim.result.target.pid);
        const int error = victim.pidfd.send_signal(signal);
        // Held and identity-checked, now gone: it exited on its own, typically because the
        // descendants signalled just before it were what it was waiting for.
        if (error == ESRCH) return exited(victim);
        if (error != 0)
            return failed(victim, error, std::string("sending SIG") + signal_name(signal));
        victim.result.signals_sent.emplace_back(signal_name(signal));
        victim.pending = true;
        return true;
    }

    // Waits until every pending victim has exited or the deadline passes.
    static void wait_all(std::vector<Victim>& victims, Clock::time_point deadline,
                         Clock::time_point started) {
        for (;;) {
            std::vector<pollfd> watches;
            for (Victim& victim : victims) {
                if (!victim.pending) continue;
                if (victim.pidfd.wait_for_exit(0)) {
                    victim.pending = false;
                    victim.exited = true;
                    victim.result.elapsed_ms = ms_since(started);
                    continue;
                }
                watches.push_back({victim.pidfd.get(), POLLIN, 0});
            }
            if (watches.empty()) return;
            const auto now = Clock::now();
            if (now >= deadline) return;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
            ::poll(watches.data(), watches.size(), static_cast<int>(std::max<long long>(left, 1)));
        }
    }

  private:
    const Root& root_;
    const ActOptions& options_;
    bool use_pidfd_;

    static bool vanished(Victim& victim) {
        victim.result.outcome = Outcome::VanishedBeforeSignal;
        victim.result.detail = "vanished before the signal";
        return false;
    }
    static bool exited(Victim& victim) {
        victim.exited = true;
        victim.pending = false;
        return false;
    }
    static bool failed(Victim& victim, int error, const std::string& step) {
        victim.result.outcome = Outcome::Failed;
        victim.result.error = error;
        victim.result.detail = step + " failed: " + std::strerror(error);
        return false;
    }
    // Without a pidfd, the only way left is kill(2) by pid, and a pid is reused once its process
    // is reaped: between our start-time check and the kill, the victim may exit and a stranger
    // take its number. The reaper exists to never hit the wrong process, so it does not signal.
    static bool refused(Victim& victim, int error) {
        failed(victim, error, "pidfd_open");
        victim.result.detail +=
            " (pidfds unavailable: Linux before 5.3, a seccomp filter, or --no-pidfd); not "
            "signalled: kill(2) by pid could hit a recycled pid";
        return false;
    }
};

}  // namespace

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::DryRun:
            return "dry_run";
        case Outcome::ExitedAfterSignal:
            return "exited_after_signal";
        case Outcome::KilledAfterGrace:
            return "killed_after_grace";
        case Outcome::VanishedBeforeSignal:
            return "vanished_before_signal";
        case Outcome::Failed:
            return "failed";
    }
    return "unknown";
}

const char* signal_method(const ActOptions& /*options*/) {
    return "pidfd";  // the only method: without pidfds nothing is signalled
}

std::vector<TargetResult> reap_targets(const Root& root, const std::vector<ProcessRef>& targets,
                                       int signal, std::uint64_t grace_ms,
                                       const ActOptions& options) {
    std::vector<Victim> victims(targets.size());
    for (std::size_t i = 0; i < targets.size(); ++i) victims[i].result.target = targets[i];
    if (options.dry_run) {
        for (Victim& victim : victims) victim.result.detail = "dry run: nothing sent";
        std::vector<TargetResult> results;
        results.reserve(victims.size());
        for (Victim& victim : victims) results.push_back(std::move(victim.result));
        return results;
    }
    const Reaper reaper(root, options);
    const auto started = Clock::now();
    // Hold every target first (pidfd + identity check), then signal: a parent that exits once
    // its children are signalled is then seen to exit, not mistaken for a vanished stranger.
    std::vector<bool> held(victims.size());
    for (std::size_t i = 0; i < victims.size(); ++i) held[i] = reaper.hold(victims[i]);
    for (std::size_t i = 0; i < victims.size(); ++i)
        if (held[i]) reaper.send(victims[i], signal);
    if (signal != SIGKILL) {
        Reaper::wait_all(victims, started + std::chrono::milliseconds(grace_ms), started);
        for (Victim& victim : victims) {
            if (!victim.pending) continue;
            victim.pending = false;
            victim.killed_after_grace = reaper.send(victim, SIGKILL);
        }
    }
    Reaper::wait_all(victims, Clock::now() + std::chrono::milliseconds(options.kill_wait_ms),
                     started);
    for (Victim& victim : victims) finish(victim, grace_ms, options, started);
    std::vector<TargetResult> results;
    results.reserve(victims.size());
    for (Victim& victim : victims) results.push_back(std::move(victim.result));
    return results;
}

}  // namespace spawngate
