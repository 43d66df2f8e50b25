#pragma once
// Deciding: processes + rules -> decisions. Pure functions over a Snapshot; nothing here reads
// /proc or sends a signal, so every exclusion and match is tested on plain structs.
//
// Hard exclusions come before any rule: PID 1 of the namespace, kernel threads, zombies (a signal
// cannot end them; their parent must reap them), the reaper itself and its ancestors, and the
// protect list. Another user's processes match only a rule that names that user.
//
// The same exclusions hold for every process a decision would signal, not only the victim: each
// descendant is judged like a victim (user, protect lists, the rule's cgroup scope, the reaper's
// chain), and so is each process the tree starts while the reaper acts on it (reap_act.hpp).

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "process_snapshot.hpp"
#include "reap_config.hpp"

namespace spawngate {

struct DecideContext {
    pid_t self_pid = 0;
    uid_t self_uid = 0;
    std::unordered_set<pid_t> self_and_ancestors;
    // Per rule (same index as config.rules): the pids in its cgroup scope, when it has one.
    // A rule with a scope whose members could not be listed matches nothing.
    std::vector<std::optional<std::unordered_set<pid_t>>> scope_members;
    // Per rule: the scope's cgroup path, for processes born after the listing (their cgroup
    // path is compared instead); absent when the rule has no scope or it could not be resolved.
    std::vector<std::optional<std::string>> scope_paths;
};

// The reaper and every ancestor up to PID 1, as found in the snapshot (getpid() always included).
std::unordered_set<pid_t> self_and_ancestors(const Snapshot& snapshot, pid_t self);

enum class Exclusion {
    None,
    NamespaceInit,  // PID 1 (ppid 0 alone is no init: nsenter/docker exec processes have it)
    KernelThread,
    Zombie,
    SelfOrAncestor,  // the reaper and the chain that started it
    Protected,       // the configured protect list
    // The rest apply to the processes of a victim's tree (a victim cannot be these: its rule did
    // not match them).
    OtherUser,     // another user's process, and the rule names no such user
    OutsideScope,  // outside the rule's cgroup scope
    Unreadable,    // its user or command line could not be read: never judged on partial data
    OwnSession,    // leads a session of its own: a service the tree started, no longer part of it
    BelowSpared,   // in the subtree of a spared process: it belongs to that process
};
const char* describe(Exclusion exclusion);

// The exclusions knowable from stat and the protected names; protect_cmdlines needs a cmdline.
Exclusion hard_exclusion(const ProcessInfo& process, const ReaperSettings& settings,
                         const DecideContext& context);

// Whether a process of a victim's tree may be signalled under `rule`: the hard exclusions, then
// its user (the reaper's own, or the one the rule names), then the rule's cgroup scope. Its
// status must have been read: an unknown user is Unreadable, never a guess.
Exclusion tree_member_exclusion(const ProcessInfo& process, const Rule& rule,
                                std::size_t rule_index, const ReaperSettings& settings,
                                const DecideContext& context);

// Whether `rule` could still match judging by stat alone (name, age, orphan, session, threads,
// cgroup): the scan reads status/cmdline/exe only for processes where this holds for some rule.
bool could_match_from_stat(const Rule& rule, std::size_t rule_index, const ProcessInfo& process,
                           const Snapshot& snapshot, const ReaperSettings& settings,
                           const DecideContext& context);

// Every matcher of the rule against a process with its details read. The reason lists each
// matcher that held, for the log and for `spawnreaper match`.
std::optional<std::string> match_rule(const Rule& rule, std::size_t rule_index,
                                      const ProcessInfo& process, const Snapshot& snapshot,
                                      const ReaperSettings& settings, const DecideContext& context);

struct ProcessRef {
    pid_t pid = 0;
    std::uint64_t start_time_ticks = 0;  // identity: a pid is reused, (pid, start time) is not
    std::string name;
    // For the log only (identity is pid and start time): whose process, and where it lives.
    std::optional<uid_t> uid;
    std::optional<std::string> cgroup;
};

// A process of a victim's tree that a hard exclusion keeps from being signalled.
struct SparedProcess {
    ProcessRef process;
    Exclusion spared_by = Exclusion::None;
};

enum class DecisionKind {
    Reap,    // signal it (or, in a dry run, say so)
    Spared,  // a rule matched but a hard exclusion protects it; logged so the operator sees why
};

struct Decision {
    DecisionKind kind = DecisionKind::Reap;
    std::size_t rule_index = 0;
    std::string rule_name;
    ProcessInfo victim;
    std::string reason;                             // why the rule matched
    Exclusion spared_by = Exclusion::None;          // for Spared
    std::vector<ProcessRef> parent_chain;           // parent first, up to PID 1
    std::vector<ProcessRef> descendants;            // deepest first, when the rule takes them
    std::vector<SparedProcess> spared_descendants;  // excluded, with their subtrees
};

// All decisions for one cycle: the first rule that matches a process decides it. A process that
// is already a descendant of another victim is not decided twice.
std::vector<Decision> decide(const Snapshot& snapshot, const ReaperConfig& config,
                             const DecideContext& context);

// Helpers shared with the act step and the log.
std::vector<ProcessRef> parent_chain(const Snapshot& snapshot, const ProcessInfo& process);
// Every process below `root_pid` in the snapshot, deepest first.
std::vector<ProcessRef> descendants_deepest_first(const Snapshot& snapshot, pid_t root_pid);
ProcessRef process_ref(const ProcessInfo& process);

// "1.3s", "600s", "0.042s": an age with the milliseconds it has, so that a comparison against a
// limit reads true ("age 1.3s > 1s", not "age 1s > 1s").
std::string format_age(std::uint64_t age_ms);

}  // namespace spawngate
