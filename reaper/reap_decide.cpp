#include "reap_decide.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "quantities.hpp"

namespace spawngate {
namespace {

constexpr std::size_t kMaxChain = 64;  // a ppid loop in garbage input must not hang the scan

std::string parent_label(const ProcessInfo& process, const Snapshot& snapshot) {
    const ProcessInfo* parent = snapshot.find(process.ppid);
    return parent ? fmt::format("{} {}", process.ppid, parent->name)
                  : fmt::format("{}", process.ppid);
}

std::string mebibytes(std::uint64_t bytes) {
    return fmt::format("{} MiB", bytes >> 20);
}

bool in_scope(std::size_t rule_index, pid_t pid, const DecideContext& context) {
    if (rule_index >= context.scope_members.size() || !context.scope_members[rule_index])
        return false;
    return context.scope_members[rule_index]->contains(pid);
}

// A process born after the scope was listed is placed by its cgroup path instead.
bool cgroup_path_in_scope(std::size_t rule_index, const ProcessInfo& process,
                          const DecideContext& context) {
    if (rule_index >= context.scope_paths.size() || !context.scope_paths[rule_index] ||
        !process.cgroup)
        return false;
    const std::string& base = *context.scope_paths[rule_index];
    const std::string& path = *process.cgroup;
    if (base == "/") return true;
    return path == base ||
           (path.size() > base.size() && path.starts_with(base) && path[base.size()] == '/');
}

// Walks the victim's tree from the top: each descendant is judged like a victim, and a spared
// one keeps its whole subtree (its children are its business, not the tree's). Zombies and
// processes gone mid-scan are skipped: there is nothing left to signal.
void judge_tree(const Snapshot& snapshot, const ProcessInfo& victim, const Rule& rule,
                std::size_t rule_index, const ReaperSettings& settings,
                const DecideContext& context, Decision& decision) {
    std::unordered_map<pid_t, std::vector<pid_t>> children;
    for (const ProcessInfo& process : snapshot.processes)
        if (process.stat_read) children[process.ppid].push_back(process.pid);
    struct Pending {
        pid_t pid;
        std::size_t depth;
        bool below_spared;
    };
    struct Taken {
        std::size_t depth;
        ProcessRef ref;
    };
    std::vector<Taken> taken;
    std::vector<Pending> pending{{victim.pid, 0, false}};
    std::unordered_set<pid_t> seen{victim.pid};
    while (!pending.empty()) {
        const Pending parent = pending.back();
        pending.pop_back();
        const auto kids = children.find(parent.pid);
        if (kids == children.end()) continue;
        for (const pid_t child : kids->second) {
            if (!seen.insert(child).second) continue;  // a ppid loop in garbage input
            const ProcessInfo& info = *snapshot.find(child);
            if (info.vanished || info.zombie()) continue;
            Exclusion exclusion =
                parent.below_spared
                    ? Exclusion::BelowSpared
                    : tree_member_exclusion(info, rule, rule_index, settings, context);
            // setsid(2) is how a daemon leaves the tree that started it (a deploy that starts a
            // service). Only in the snapshot: what the tree starts during the action goes too.
            if (exclusion == Exclusion::None && info.session == info.pid &&
                info.session != victim.session)
                exclusion = Exclusion::OwnSession;
            if (exclusion == Exclusion::None) {
                taken.push_back({parent.depth + 1, process_ref(info)});
            } else {
                decision.spared_descendants.push_back({process_ref(info), exclusion});
            }
            pending.push_back({child, parent.depth + 1, exclusion != Exclusion::None});
        }
    }
    std::stable_sort(taken.begin(), taken.end(),
                     [](const Taken& a, const Taken& b) { return a.depth > b.depth; });
    for (Taken& entry : taken) decision.descendants.push_back(std::move(entry.ref));
}

}  // namespace

std::unordered_set<pid_t> self_and_ancestors(const Snapshot& snapshot, pid_t self) {
    std::unordered_set<pid_t> chain{self};
    const ProcessInfo* process = snapshot.find(self);
    for (std::size_t steps = 0; process && steps < kMaxChain; ++steps) {
        if (process->ppid <= 0 || !chain.insert(process->ppid).second) break;
        process = snapshot.find(process->ppid);
    }
    return chain;
}

const char* describe(Exclusion exclusion) {
    switch (exclusion) {
        case Exclusion::None:
            return "none";
        case Exclusion::NamespaceInit:
            return "PID 1 of the namespace";
        case Exclusion::KernelThread:
            return "kernel thread";
        case Exclusion::Zombie:
            return "zombie (its parent must reap it)";
        case Exclusion::SelfOrAncestor:
            return "the reaper itself or one of its ancestors";
        case Exclusion::Protected:
            return "on the protect list";
        case Exclusion::OtherUser:
            return "another user's process, and the rule names no such user";
        case Exclusion::OutsideScope:
            return "outside the rule's cgroup scope";
        case Exclusion::Unreadable:
            return "its user or command line could not be read";
        case Exclusion::OwnSession:
            return "leads a session of its own (a service the tree started)";
        case Exclusion::BelowSpared:
            return "below a spared process";
    }
    return "excluded";
}

Exclusion hard_exclusion(const ProcessInfo& process, const ReaperSettings& settings,
                         const DecideContext& context) {
    if (process.pid == 1) return Exclusion::NamespaceInit;
    if (process.kernel_thread) return Exclusion::KernelThread;
    if (process.zombie()) return Exclusion::Zombie;
    if (context.self_and_ancestors.contains(process.pid)) return Exclusion::SelfOrAncestor;
    if (std::find(settings.protect_names.begin(), settings.protect_names.end(), process.name) !=
        settings.protect_names.end())
        return Exclusion::Protected;
    if (process.cmdline)
        for (const Pattern& pattern : settings.protect_cmdlines)
            if (pattern.matches(*process.cmdline)) return Exclusion::Protected;
    return Exclusion::None;
}

Exclusion tree_member_exclusion(const ProcessInfo& process, const Rule& rule,
                                std::size_t rule_index, const ReaperSettings& settings,
                                const DecideContext& context) {
    if (const Exclusion hard = hard_exclusion(process, settings, context); hard != Exclusion::None)
        return hard;
    if (process.unreadable || !process.uid || !process.cmdline) return Exclusion::Unreadable;
    if (*process.uid != context.self_uid && (!rule.user || *process.uid != *rule.user))
        return Exclusion::OtherUser;
    if (rule.cgroup && !in_scope(rule_index, process.pid, context) &&
        !cgroup_path_in_scope(rule_index, process, context))
        return Exclusion::OutsideScope;
    return Exclusion::None;
}

bool could_match_from_stat(const Rule& rule, std::size_t rule_index, const ProcessInfo& process,
                           const Snapshot& snapshot, const ReaperSettings& settings,
                           const DecideContext& context) {
    if (!process.stat_read) return false;  // ruled out by its name alone during the scan
    if (rule.process_name && !rule.process_name->matches(process.name)) return false;
    if (rule.older_than_ms && process.age_ms <= *rule.older_than_ms) return false;
    if (rule.orphan && !snapshot.is_orphan(process, settings.subreapers)) return false;
    if (rule.skip_session_leaders && process.session == process.pid) return false;
    if (rule.threads_above && process.threads <= *rule.threads_above) return false;
    if (rule.cgroup && !in_scope(rule_index, process.pid, context)) return false;
    return true;
}

std::optional<std::string> match_rule(const Rule& rule, std::size_t rule_index,
                                      const ProcessInfo& process, const Snapshot& snapshot,
                                      const ReaperSettings& settings,
                                      const DecideContext& context) {
    // Unknown details never match: an unreadable uid is not "ours", a missing cmdline matches
    // no pattern. (Checked first: most processes of a scan were never candidates.)
    if (!process.uid) return std::nullopt;
    if (!could_match_from_stat(rule, rule_index, process, snapshot, settings, context))
        return std::nullopt;
    if (rule.user ? *process.uid != *rule.user : *process.uid != context.self_uid)
        return std::nullopt;
    if (rule.exe && (!process.exe || !rule.exe->matches(*process.exe))) return std::nullopt;
    if (rule.cmdline && (!process.cmdline || !rule.cmdline->matches(*process.cmdline)))
        return std::nullopt;
    if (rule.program && (!process.program || !rule.program->matches(*process.program)))
        return std::nullopt;
    if (rule.anon_memory_above_bytes &&
        (!process.anon_memory || process.anon_memory->bytes <= *rule.anon_memory_above_bytes))
        return std::nullopt;

    std::vector<std::string> reasons;
    if (rule.process_name)
        reasons.push_back(
            fmt::format("name '{}' ~ /{}/", process.name, rule.process_name->source()));
    if (rule.exe) reasons.push_back(fmt::format("exe ~ /{}/", rule.exe->source()));
    if (rule.program)
        reasons.push_back(
            fmt::format("program '{}' ~ /{}/", *process.program, rule.program->source()));
    if (rule.cmdline) reasons.push_back(fmt::format("cmdline ~ /{}/", rule.cmdline->source()));
    if (rule.older_than_ms)
        reasons.push_back(fmt::format("age {} > {}", format_age(process.age_ms),
                                      format_duration(*rule.older_than_ms)));
    if (rule.orphan)
        reasons.push_back(fmt::format("orphan (parent {})", parent_label(process, snapshot)));
    if (rule.user) reasons.push_back(fmt::format("user {}", rule.user_name));
    if (rule.cgroup)
        reasons.push_back(rule.cgroup->own_subtree
                              ? std::string("in the reaper's cgroup subtree")
                              : fmt::format("in cgroup {}", rule.cgroup->path));
    if (rule.anon_memory_above_bytes)
        reasons.push_back(
            fmt::format("anonymous memory {}{} > {}", mebibytes(process.anon_memory->bytes),
                        process.anon_memory->from_vmrss_fallback ? " (VmRSS fallback)" : "",
                        mebibytes(*rule.anon_memory_above_bytes)));
    if (rule.threads_above)
        reasons.push_back(fmt::format("threads {} > {}", process.threads, *rule.threads_above));
    return fmt::format("{}", fmt::join(reasons, "; "));
}

std::string format_age(std::uint64_t age_ms) {
    // Milliseconds without trailing zeros: 1.3s, 1.25s, 2s.
    std::string age = fmt::format("{}.{:03}", age_ms / 1000, age_ms % 1000);
    while (age.back() == '0') age.pop_back();
    if (age.back() == '.') age.pop_back();
    age += 's';
    return age;
}

ProcessRef process_ref(const ProcessInfo& process) {
    return {process.pid, process.start_time_ticks, process.name, process.uid, process.cgroup};
}

std::vector<ProcessRef> parent_chain(const Snapshot& snapshot, const ProcessInfo& process) {
    std::vector<ProcessRef> chain;
    pid_t next = process.ppid;
    while (next > 0 && chain.size() < kMaxChain) {
        const ProcessInfo* parent = snapshot.find(next);
        if (!parent) {
            chain.push_back({next, 0, "", std::nullopt, std::nullopt});
            break;
        }
        chain.push_back(
            {parent->pid, parent->start_time_ticks, parent->name, parent->uid, parent->cgroup});
        if (parent->pid == 1) break;
        next = parent->ppid;
    }
    return chain;
}

std::vector<ProcessRef> descendants_deepest_first(const Snapshot& snapshot, pid_t root_pid) {
    std::unordered_map<pid_t, std::vector<pid_t>> children;
    for (const ProcessInfo& process : snapshot.processes)
        children[process.ppid].push_back(process.pid);
    struct Found {
        std::size_t depth;
        ProcessRef ref;
    };
    std::vector<Found> found;
    std::vector<std::pair<pid_t, std::size_t>> pending{{root_pid, 0}};
    std::unordered_set<pid_t> seen{root_pid};
    while (!pending.empty()) {
        const auto [pid, depth] = pending.back();
        pending.pop_back();
        const auto kids = children.find(pid);
        if (kids == children.end()) continue;
        for (const pid_t child : kids->second) {
            if (!seen.insert(child).second) continue;
            const ProcessInfo* process = snapshot.find(child);
            found.push_back({depth + 1, process_ref(*process)});
            pending.emplace_back(child, depth + 1);
        }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.depth > b.depth; });
    std::vector<ProcessRef> ordered;
    ordered.reserve(found.size());
    for (Found& entry : found) ordered.push_back(std::move(entry.ref));
    return ordered;
}

std::vector<Decision> decide(const Snapshot& snapshot, const ReaperConfig& config,
                             const DecideContext& context) {
    std::vector<Decision> decisions;
    std::unordered_set<pid_t> taken;  // victims and their descendants already decided
    for (const ProcessInfo& process : snapshot.processes) {
        if (!process.stat_read || !process.uid) continue;  // never a candidate
        // Gone mid-scan, or not fully readable: judging it on what was read could reap a process
        // its unread cmdline would have protected.
        if (process.vanished || process.unreadable) continue;
        const Exclusion exclusion = hard_exclusion(process, config.settings, context);
        // These never reach a rule: they are not processes a rule is about.
        if (exclusion == Exclusion::NamespaceInit || exclusion == Exclusion::KernelThread ||
            exclusion == Exclusion::Zombie)
            continue;
        if (taken.contains(process.pid)) continue;
        for (std::size_t index = 0; index < config.rules.size(); ++index) {
            const Rule& rule = config.rules[index];
            auto reason = match_rule(rule, index, process, snapshot, config.settings, context);
            if (!reason) continue;
            Decision decision;
            decision.rule_index = index;
            decision.rule_name = rule.name;
            decision.victim = process;
            decision.reason = std::move(*reason);
            decision.parent_chain = parent_chain(snapshot, process);
            if (exclusion != Exclusion::None) {
                decision.kind = DecisionKind::Spared;
                decision.spared_by = exclusion;
            } else if (rule.descendants) {
                judge_tree(snapshot, process, rule, index, config.settings, context, decision);
                for (const ProcessRef& child : decision.descendants) taken.insert(child.pid);
            }
            taken.insert(process.pid);
            decisions.push_back(std::move(decision));
            break;
        }
    }
    // A victim decided before one of its ancestors was found is dropped: the ancestor's
    // decision takes it with the descendants.
    std::unordered_set<pid_t> in_descendants;
    for (const Decision& decision : decisions)
        for (const ProcessRef& child : decision.descendants) in_descendants.insert(child.pid);
    std::erase_if(decisions, [&](const Decision& decision) {
        return decision.kind == DecisionKind::Reap && in_descendants.contains(decision.victim.pid);
    });
    return decisions;
}

}  // namespace spawngate
