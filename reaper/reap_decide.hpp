#pragma once
// Deciding: processes + rules -> decisions. Pure functions over a Snapshot; nothing here reads
// /proc or sends a signal, so every exclusion and match is tested on plain structs.
//
// Hard exclusions come before any rule: PID 1 of the namespace, kernel threads, zombies (a signal
// cannot end them; their parent must reap them), the reaper itself and its ancestors, and the
// protect list. Another user's processes match only a rule that names that user.

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
};
const char* describe(Exclusion exclusion);

// The exclusions knowable from stat and the protected names; protect_cmdlines needs a cmdline.
Exclusion hard_exclusion(const ProcessInfo& process, const ReaperSettings& settings,
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
    std::string reason;                     // why the rule matched
    Exclusion spared_by = Exclusion::None;  // for Spared
    std::vector<ProcessRef> parent_chain;   // parent first, up to PID 1
    std::vector<ProcessRef> descendants;    // deepest first, when the rule takes them
};

// All decisions for one cycle: the first rule that matches a process decides it. A process that
// is already a descendant of another victim is not decided twice.
std::vector<Decision> decide(const Snapshot& snapshot, const ReaperConfig& config,
                             const DecideContext& context);

// Helpers shared with the act step and the log.
std::vector<ProcessRef> parent_chain(const Snapshot& snapshot, const ProcessInfo& process);
std::vector<ProcessRef> descendants_deepest_first(const Snapshot& snapshot, pid_t root_pid);

}  // namespace spawngate
