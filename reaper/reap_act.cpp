#include "reap_act.hpp"

#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_set>

#include "pidfd.hpp"
#include "proc_stat.hpp"
#include "reap_config.hpp"
#include "tree_sweep.hpp"

namespace spawngate {
namespace {

using Clock = std::chrono::steady_clock;

// A tree that keeps producing newcomers after this many sweeps is growing faster than it can be
// stopped (each round stops every member found so far, so a tree of ordinary depth is done in a
// few); the cycle then says so rather than loop.
constexpr int kMaxSweepRounds = 16;
// How long stopped members get to reach the stopped state before the sweep looks for their
// children anyway (a task in uninterruptible sleep stops only when it wakes).
constexpr auto kStopWait = std::chrono::milliseconds(500);

std::uint64_t ms_between(Clock::time_point from, Clock::time_point to) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

// One target being reaped: an original target of a tree, or a newcomer the sweep added.
struct Member {
    TargetResult result;
    std::size_t tree = 0;
    bool newcomer = false;
    PidFd pidfd;
    pid_t process_group = 0;  // from the identity check, for the sweep
    pid_t session = 0;
    std::optional<Clock::time_point> first_signal;
    bool pending = false;  // signalled and not yet seen to exit
    bool stopped = false;  // SIGSTOP went out
    bool exited = false;
    bool killed = false;  // SIGKILL went out (after the grace, or as a newcomer)
};

// Sets the outcome of a member that was held: exited, killed, or still alive after SIGKILL.
void finish(Member& member, std::uint64_t grace_ms, const ActOptions& options) {
    TargetResult& result = member.result;
    if (result.outcome != Outcome::DryRun) return;  // vanished or failed: already told
    if (!member.exited) {
        result.outcome = Outcome::Failed;
        result.error = ETIMEDOUT;
        result.detail = fmt::format("still alive {} ms after SIGKILL (uninterruptible sleep?)",
                                    options.kill_wait_ms);
        return;
    }
    const std::string after =
        result.elapsed_ms ? fmt::format(" in {} ms", *result.elapsed_ms) : std::string();
    if (result.signals_sent.empty()) {
        result.outcome = Outcome::ExitedAfterSignal;
        result.detail = "exited before its own signal, once its descendants were signalled";
    } else if (member.newcomer) {
        result.outcome = Outcome::KilledAsNewcomer;
        result.detail =
            fmt::format("started by the tree during the action; stopped, then killed{}", after);
    } else if (member.killed) {
        result.outcome = Outcome::KilledAfterGrace;
        result.detail = fmt::format("ignored {}; killed after the {} ms grace",
                                    result.signals_sent.front(), grace_ms);
    } else {
        result.outcome = Outcome::ExitedAfterSignal;
        result.detail = fmt::format("exited after {}{}", result.signals_sent.back(), after);
    }
}

// The still-running state of a held member, from its stat: stopped (or traced), or gone.
bool stopped_or_gone(const Root& root, const Member& member) {
    const auto stat = read_proc_stat(root, member.result.target.pid);
    return !stat || stat->start_time_ticks != member.result.target.start_time_ticks ||
           stat->is_zombie() || stat->state == 'T' || stat->state == 't';
}

class TreeReaper {
  public:
    TreeReaper(const Root& root, const ActOptions& options)
        : root_(root), options_(options), use_pidfd_(options.use_pidfd && pidfd_supported()) {}

    // Opens and identity-checks one target; false when it is gone already or cannot be held.
    bool hold(Member& member) const {
        const ProcessRef& target = member.result.target;
        // Deciding already excludes these; acting refuses them again, whatever the caller passes.
        if (target.pid <= 1 || target.pid == ::getpid() || target.pid == ::getppid())
            return failed(member, EPERM, "signalling PID 1, the reaper or its parent (refused)");
        if (!use_pidfd_) return refused(member, ENOSYS);
        notify(options_.observer, ProcessStep::PidfdOpen, target.pid);
        int error = 0;
        member.pidfd = PidFd::open(target.pid, error);
        if (!member.pidfd.valid()) {
            if (error == ESRCH) return vanished(member);
            // ENOSYS: before Linux 5.3. EPERM: a seccomp profile that predates pidfd_open
            // (pidfd_open itself never checks permissions).
            if (error == ENOSYS || error == EPERM) return refused(member, error);
            return failed(member, error, "pidfd_open");
        }
        // With the pidfd held, a later reuse of the pid cannot change what the pidfd points at;
        // this check makes sure it points at the process we decided about.
        notify(options_.observer, ProcessStep::IdentityCheck, target.pid);
        const auto stat = read_proc_stat(root_, target.pid);
        if (!stat || stat->start_time_ticks != target.start_time_ticks || stat->is_zombie())
            return vanished(member);
        member.process_group = stat->pgrp;
        member.session = stat->session;
        return true;
    }

    // Sends `signal` through the pidfd; false when the member is done (vanished or failed).
    bool send(Member& member, int signal) const {
        notify(options_.observer, ProcessStep::Signal, member.result.target.pid);
        const int error = member.pidfd.send_signal(signal);
        // Held and identity-checked, now gone: it exited on its own, typically because the
        // descendants signalled just before it were what it was waiting for.
        if (error == ESRCH) return exited(member, Clock::now());
        if (error != 0)
            return failed(member, error, fmt::format("sending SIG{}", signal_name(signal)));
        member.result.signals_sent.emplace_back(signal_name(signal));
        if (!member.first_signal) member.first_signal = Clock::now();
        if (signal == SIGSTOP) {
            member.stopped = true;
        } else {
            member.pending = true;
        }
        return true;
    }

    // Waits until every pending member has exited or the deadline passes.
    static void wait_all(std::vector<Member>& members, Clock::time_point deadline) {
        for (;;) {
            std::vector<pollfd> watches;
            const auto now = Clock::now();
            for (Member& member : members) {
                if (!member.pending) continue;
                if (member.pidfd.wait_for_exit(0)) {
                    exited(member, now);
                    continue;
                }
                watches.push_back({member.pidfd.get(), POLLIN, 0});
            }
            if (watches.empty() || now >= deadline) return;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
            ::poll(watches.data(), watches.size(),
                   static_cast<int>(std::max<long long>(left.count(), 1)));
        }
    }

    static bool running(const Member& member) {
        return member.pidfd.valid() && !member.exited && member.result.outcome == Outcome::DryRun;
    }

    // Notes the exit seen at `when`; returns false (the member is done) for send()'s callers.
    static bool exited(Member& member, Clock::time_point when) {
        member.exited = true;
        member.pending = false;
        if (member.first_signal) member.result.elapsed_ms = ms_between(*member.first_signal, when);
        return false;
    }

  private:
    const Root& root_;
    const ActOptions& options_;
    bool use_pidfd_;

    static bool vanished(Member& member) {
        member.result.outcome = Outcome::VanishedBeforeSignal;
        member.result.detail = "vanished before the signal";
        return false;
    }
    static bool failed(Member& member, int error, const std::string& step) {
        member.result.outcome = Outcome::Failed;
        member.result.error = error;
        member.result.detail = fmt::format("{} failed: {}", step, std::strerror(error));
        return false;
    }
    // Without a pidfd, the only way left is kill(2) by pid, and a pid is reused once its process
    // is reaped: between our start-time check and the kill, the victim may exit and a stranger
    // take its number. The reaper exists to never hit the wrong process, so it does not signal.
    static bool refused(Member& member, int error) {
        failed(member, error, "pidfd_open");
        member.result.detail +=
            " (pidfds unavailable: Linux before 5.3, a seccomp filter, or --no-pidfd); not "
            "signalled: kill(2) by pid could hit a recycled pid";
        return false;
    }
};

// Stops every running member and waits (bounded) until each is stopped or gone, so that the
// sweep that follows sees a tree that cannot fork any more.
void stop_running(const Root& root, const TreeReaper& reaper, std::vector<Member>& members) {
    for (Member& member : members) {
        if (!TreeReaper::running(member)) continue;
        if (member.pidfd.wait_for_exit(0)) {
            TreeReaper::exited(member, Clock::now());
        } else if (!member.stopped) {
            reaper.send(member, SIGSTOP);
        }
    }
    const auto deadline = Clock::now() + kStopWait;
    for (Member& member : members) {
        while (TreeReaper::running(member) && !stopped_or_gone(root, member) &&
               Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

std::vector<SweepMember> sweep_view(const std::vector<Member>& members) {
    std::vector<SweepMember> view;
    for (const Member& member : members) {
        if (!member.pidfd.valid()) continue;  // never held: nothing of it to follow
        view.push_back({member.result.target.pid, member.result.target.start_time_ticks,
                        member.process_group, member.session, member.tree,
                        TreeReaper::running(member)});
    }
    return view;
}

// Stops the trees and adds what they started since the snapshot, until a sweep finds nothing
// new. Returns false when the bound was met with the trees still growing, or /proc could not be
// read.
bool sweep_newcomers(const Root& root, const TreeReaper& reaper,
                     const std::vector<TreeToReap>& trees, std::vector<Member>& members,
                     std::vector<TreeResult>& results, const ActOptions& options,
                     std::unordered_set<std::size_t>& growing) {
    const std::uint64_t started_after = snapshot_ticks(options.clock);
    std::unordered_set<pid_t> judged;
    for (const Member& member : members) judged.insert(member.result.target.pid);
    for (int round = 0; round < kMaxSweepRounds; ++round) {
        stop_running(root, reaper, members);
        const Snapshot now = scan_processes(root, options.clock);
        if (now.problem) {  // /proc unreadable: what the trees started cannot be known
            for (std::size_t tree = 0; tree < trees.size(); ++tree) growing.insert(tree);
            return false;
        }
        const std::vector<Newcomer> newcomers = find_newcomers(
            now, *options.snapshot, started_after, sweep_view(members), options.subreapers, judged);
        if (newcomers.empty()) return true;
        growing.clear();
        for (const Newcomer& found : newcomers) {
            judged.insert(found.pid);
            growing.insert(found.tree);
            ProcessInfo info = *now.find(found.pid);
            const Exclusion exclusion = trees[found.tree].judge_newcomer
                                            ? trees[found.tree].judge_newcomer(info)
                                            : Exclusion::Unreadable;
            if (exclusion != Exclusion::None) {
                results[found.tree].spared_added.push_back({process_ref(info), exclusion});
                continue;
            }
            Member member;
            member.result.target = process_ref(info);
            member.result.added_because = found.because;
            member.tree = found.tree;
            member.newcomer = true;
            if (reaper.hold(member)) reaper.send(member, SIGSTOP);
            members.push_back(std::move(member));
        }
    }
    return false;
}

}  // namespace

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::DryRun:
            return "dry_run";
        case Outcome::ExitedAfterSignal:
            return "exited_after_signal";
        case Outcome::KilledAfterGrace:
            return "killed_after_grace";
        case Outcome::KilledAsNewcomer:
            return "killed_as_newcomer";
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

std::vector<TreeResult> reap_trees(const Root& root, const std::vector<TreeToReap>& trees,
                                   int signal, std::uint64_t grace_ms, const ActOptions& options) {
    std::vector<TreeResult> results(trees.size());
    std::vector<Member> members;
    for (std::size_t tree = 0; tree < trees.size(); ++tree)
        for (const ProcessRef& target : trees[tree].targets) {
            Member member;
            member.result.target = target;
            member.tree = tree;
            members.push_back(std::move(member));
        }
    if (options.dry_run) {
        for (Member& member : members) {
            member.result.detail = "dry run: nothing sent";
            results[member.tree].results.push_back(std::move(member.result));
        }
        return results;
    }
    const TreeReaper reaper(root, options);
    const auto started = Clock::now();
    // Hold every target first (pidfd + identity check), then signal: a parent that exits once
    // its children are signalled is then seen to exit, not mistaken for a vanished stranger.
    std::vector<bool> held(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) held[i] = reaper.hold(members[i]);
    for (std::size_t i = 0; i < members.size(); ++i)
        if (held[i]) reaper.send(members[i], signal);
    TreeReaper::wait_all(
        members,
        started + std::chrono::milliseconds(signal == SIGKILL ? options.kill_wait_ms : grace_ms));

    // Whatever is left, and whatever the trees started meanwhile, is stopped, then killed.
    std::unordered_set<std::size_t> growing;
    const bool settled = !options.snapshot ||
                         sweep_newcomers(root, reaper, trees, members, results, options, growing);
    if (options.snapshot == nullptr) stop_running(root, reaper, members);
    for (Member& member : members) {
        if (!TreeReaper::running(member)) continue;
        member.killed = reaper.send(member, SIGKILL);
    }
    TreeReaper::wait_all(members, Clock::now() + std::chrono::milliseconds(options.kill_wait_ms));
    if (!settled)
        for (const std::size_t tree : growing)
            results[tree].left_alive = fmt::format(
                "the tree kept starting processes through {} sweeps; what it started "
                "after the last one may still run",
                kMaxSweepRounds);

    for (Member& member : members) {
        finish(member, grace_ms, options);
        // A newcomer that ended on its own before it could be held (a loop's short-lived child)
        // had nothing done to it.
        if (member.newcomer && member.result.outcome == Outcome::VanishedBeforeSignal) continue;
        TreeResult& tree = results[member.tree];
        (member.newcomer ? tree.added : tree.results).push_back(std::move(member.result));
    }
    return results;
}

}  // namespace spawngate
