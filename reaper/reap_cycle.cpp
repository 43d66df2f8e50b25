#include "reap_cycle.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "boot_time.hpp"
#include "cgroup_scope.hpp"
#include "column_text.hpp"
#include "pidfd.hpp"
#include "process_snapshot.hpp"
#include "reap_decide.hpp"
#include "respawn_guard.hpp"
#include "state_dir.hpp"

namespace spawngate {
namespace {

// write(2), not iostreams: the gate links this file for its auto-reap, and <iostream>'s static
// initialisation would run on every gate start.
void write_stderr(std::string_view text) {
    while (!text.empty()) {
        const ssize_t wrote = ::write(STDERR_FILENO, text.data(), text.size());
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(wrote));
    }
}

std::uint64_t now_unix_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

// The read half of a cycle: stat for everything, details for candidates, scopes listed.
struct CycleInput {
    Snapshot snapshot;
    DecideContext context;
    BootClock clock;
};

// Reads the stat of `pid` and of its ancestors up to PID 1.
void ensure_chain(const Root& root, CycleInput& input, pid_t pid, ProcessStepObserver* observer) {
    for (int steps = 0; pid > 0 && steps < 64; ++steps) {
        if (!ensure_stat(root, input.clock, input.snapshot, pid, observer)) return;
        pid = input.snapshot.find(pid)->ppid;
    }
}

CycleInput read_cycle_input(const ReaperConfig& config, const std::vector<const Rule*>& rules,
                            const CycleOptions& options, std::vector<Problem>& problems) {
    const Root root(options.root);
    CycleInput input;
    const BootClockRead clock = read_boot_clock(root);
    if (!clock.clock) {
        input.snapshot.problem = clock.problem;
        return input;
    }
    // When every rule names its processes, most are ruled out by name before their stat is read.
    std::vector<const Pattern*> names;
    for (const Rule* rule : rules)
        if (rule->process_name) names.push_back(&*rule->process_name);
    const bool every_rule_named = !rules.empty() && names.size() == rules.size();
    input.snapshot =
        scan_processes(root, *clock.clock, every_rule_named ? &names : nullptr, options.observer);
    if (input.snapshot.problem) return input;
    input.clock = *clock.clock;

    DecideContext& context = input.context;
    context.self_pid = options.self_pid ? options.self_pid : ::getpid();
    ensure_chain(root, input, context.self_pid, options.observer);
    context.self_uid = ::getuid();
    context.self_and_ancestors = self_and_ancestors(input.snapshot, context.self_pid);
    context.scope_members.resize(config.rules.size());
    context.scope_paths.resize(config.rules.size());
    for (std::size_t index = 0; index < config.rules.size(); ++index) {
        const Rule& rule = config.rules[index];
        if (!rule.cgroup || std::find(rules.begin(), rules.end(), &rule) == rules.end()) continue;
        ScopeMembers members = list_scope_members(*rule.cgroup, root);
        if (!members.pids)
            problems.push_back({fmt::format("rule {}", rule.name), members.problem.text()});
        context.scope_members[index] = std::move(members.pids);
        if (context.scope_members[index]) context.scope_paths[index] = std::move(members.path);
    }

    // Details only where a rule could still match, cheapest evidence first: stat rules out most
    // processes; a rule's cmdline or exe pattern is checked after reading that one file; status
    // and the rest are read only for processes every matcher so far allows.
    for (ProcessInfo& process : input.snapshot.processes) {
        if (!process.stat_read) continue;  // ruled out by its name
        const Exclusion exclusion = hard_exclusion(process, config.settings, context);
        if (exclusion == Exclusion::NamespaceInit || exclusion == Exclusion::KernelThread ||
            exclusion == Exclusion::Zombie)
            continue;
        for (const Rule* rule : rules) {
            const std::size_t index = static_cast<std::size_t>(rule - config.rules.data());
            if (!could_match_from_stat(*rule, index, process, input.snapshot, config.settings,
                                       context))
                continue;
            if (rule->needs_cmdline()) {
                read_cmdline(root, process, options.observer);
                if (rule->cmdline &&
                    (!process.cmdline || !rule->cmdline->matches(*process.cmdline)))
                    continue;
                if (rule->program &&
                    (!process.program || !rule->program->matches(*process.program)))
                    continue;
            }
            if (rule->exe) {
                read_exe(root, process, options.observer);
                if (!process.exe || !rule->exe->matches(*process.exe)) continue;
            }
            read_details(root, process, options.observer);
            break;
        }
    }
    // The parent chain of every candidate, for the log (the orphan check needs only names).
    for (std::size_t i = 0; i < input.snapshot.processes.size(); ++i)
        if (input.snapshot.processes[i].status_read)
            ensure_chain(root, input, input.snapshot.processes[i].pid, options.observer);
    return input;
}

// Processes the decisions left out because a read failed: gone, or not judgeable (reported).
void collect_read_failures(const Snapshot& snapshot, std::vector<pid_t>& vanished,
                           std::vector<Problem>& unreadable) {
    vanished = snapshot.vanished;
    unreadable = snapshot.unreadable;
    for (const ProcessInfo& process : snapshot.processes) {
        if (process.vanished) {
            vanished.push_back(process.pid);
        } else if (process.unreadable) {
            unreadable.push_back(*process.unreadable);
        }
    }
    for (Problem& problem : unreadable)
        problem.what += "; that process was skipped, never judged on what could be read";
}

// The config restricted to one rule, for `match`.
ReaperConfig with_rules(const ReaperConfig& config, const std::vector<const Rule*>& rules) {
    ReaperConfig subset;
    subset.settings = config.settings;
    subset.source = config.source;
    for (const Rule* rule : rules) subset.rules.push_back(*rule);
    return subset;
}

std::vector<Decision> decide_with_descendant_details(const ReaperConfig& config, CycleInput& input,
                                                     const CycleOptions& options) {
    std::vector<Decision> decisions = decide(input.snapshot, config, input.context);
    const Root root(options.root);
    // Descendants need every process's parent: a scan that skipped stats by name completes now,
    // which happens only in a cycle that takes a victim's descendants.
    if (!input.snapshot.complete)
        for (const Decision& decision : decisions)
            if (decision.kind == DecisionKind::Reap &&
                config.rules[decision.rule_index].descendants) {
                complete_scan(root, input.clock, input.snapshot, options.observer);
                decisions = decide(input.snapshot, config, input.context);
                break;
            }
    // Every descendant is judged like a victim (its user, protect lists, the rule's scope), and
    // that needs its status, cmdline and cgroup: read them for every process below a victim
    // (not only those the first pass took: it could not judge the others yet).
    bool read_more = false;
    for (const Decision& decision : decisions) {
        if (decision.kind != DecisionKind::Reap || !config.rules[decision.rule_index].descendants)
            continue;
        for (const ProcessRef& child :
             descendants_deepest_first(input.snapshot, decision.victim.pid))
            if (ProcessInfo* info = input.snapshot.find(child.pid); info && !info->status_read) {
                read_details(root, *info, options.observer);
                read_more = true;
            }
    }
    return read_more ? decide(input.snapshot, config, input.context) : decisions;
}

nlohmann::json escalation_event(const DecisionRecord& record, const ReaperSettings& settings) {
    const ProcessInfo& victim = record.decision.victim;
    return {{"time", iso8601_utc(record.time_unix_ms)},
            {"event", "escalation"},
            {"rule", record.decision.rule_name},
            {"cmdline", victim.cmdline.value_or("")},
            {"name", victim.name},
            {"pid", victim.pid},
            {"reaps_in_window", settings.respawn_limit},
            {"respawn_limit", settings.respawn_limit},
            {"window_s", settings.respawn_window_ms / 1000},
            {"message",
             "respawn loop: this command came back after every reap; it is left alone for the "
             "window and needs a diagnosis"}};
}

// A victim that passed the identity check but was gone before its signal (ESRCH) is told apart
// from one that exited once its descendants were signalled only here, where a decision's targets
// are known: when no target of the decision got a signal, it exited on its own and was not reaped
// (nor is it counted towards a respawn loop).
void mark_vanished_if_nothing_was_sent(std::vector<TargetResult>& results) {
    if (results.empty()) return;
    for (const TargetResult& result : results)
        if (!result.signals_sent.empty()) return;
    TargetResult& victim = results.back();
    if (victim.outcome != Outcome::ExitedAfterSignal) return;
    victim.outcome = Outcome::VanishedBeforeSignal;
    victim.detail = "vanished before the signal (exited on its own after the identity check)";
    victim.elapsed_ms.reset();
}

// Signals the trees of every Reap/DryRun record together, batched by (signal, grace), and hands
// each record its own results back. A process a tree starts during the action is judged by the
// same exclusions as the tree's descendants, under the record's own rule.
void act_together(std::vector<DecisionRecord>& records, const ReaperConfig& config,
                  const Root& root, const ActOptions& act, const CycleInput& input,
                  std::uint64_t max_grace_ms) {
    std::map<std::pair<int, std::uint64_t>, std::vector<std::size_t>> batches;
    for (std::size_t i = 0; i < records.size(); ++i)
        if (records[i].action == Action::Reap || records[i].action == Action::DryRun) {
            const Rule& rule = config.rules[records[i].decision.rule_index];
            batches[{rule.signal, std::min(rule.grace_ms, max_grace_ms)}].push_back(i);
        }
    for (const auto& [key, members] : batches) {
        std::vector<TreeToReap> trees;
        for (const std::size_t i : members) {
            const Decision& decision = records[i].decision;
            TreeToReap tree;
            tree.targets = decision.descendants;
            tree.targets.push_back(process_ref(decision.victim));
            tree.judge_newcomer = [&root, &config, &input, index = decision.rule_index,
                                   observer = act.observer](ProcessInfo& process) {
                read_details(root, process, observer);
                return tree_member_exclusion(process, config.rules[index], index, config.settings,
                                             input.context);
            };
            trees.push_back(std::move(tree));
        }
        std::vector<TreeResult> results = reap_trees(root, trees, key.first, key.second, act);
        for (std::size_t n = 0; n < members.size(); ++n) {
            DecisionRecord& record = records[members[n]];
            record.results = std::move(results[n].results);
            record.added = std::move(results[n].added);
            record.spared_added = std::move(results[n].spared_added);
            record.left_alive = std::move(results[n].left_alive);
            mark_vanished_if_nothing_was_sent(record.results);
        }
    }
}

}  // namespace

std::vector<Decision> match_now(const ReaperConfig& config, const Rule& rule,
                                const CycleOptions& options, std::vector<Problem>& problems) {
    const ReaperConfig subset = with_rules(config, {&rule});
    const std::vector<const Rule*> rules{&subset.rules.front()};
    CycleInput input = read_cycle_input(subset, rules, options, problems);
    if (input.snapshot.problem) {
        problems.push_back(*input.snapshot.problem);
        return {};
    }
    std::vector<Decision> decisions = decide_with_descendant_details(subset, input, options);
    std::vector<pid_t> vanished;
    std::vector<Problem> unreadable;
    collect_read_failures(input.snapshot, vanished, unreadable);
    problems.insert(problems.end(), unreadable.begin(), unreadable.end());
    return decisions;
}

CycleReport run_reap_cycle(const ReaperConfig& config, const CycleOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    CycleReport report;
    std::vector<const Rule*> rules;
    for (const Rule& rule : config.rules) rules.push_back(&rule);
    CycleInput input = read_cycle_input(config, rules, options, report.problems);
    if (input.snapshot.problem) {
        report.cannot_run = true;
        report.problems.push_back(*input.snapshot.problem);
        return report;
    }
    report.processes_scanned = input.snapshot.processes.size();
    const std::vector<Decision> decisions = decide_with_descendant_details(config, input, options);
    collect_read_failures(input.snapshot, report.vanished, report.unreadable);

    // Respawn state (command lines, so private: 0600) is kept only when a path is given; a corrupt
    // file starts over, with a warning.
    RespawnGuard guard(config.settings.respawn_limit, config.settings.respawn_window_ms);
    std::optional<StateDir> state_dir;
    std::string state_name;
    if (!options.state_path.empty() && !decisions.empty()) {
        const SplitPath split = split_path(options.state_path);
        state_name = split.name;
        state_dir = open_state_dir(split.directory, true);
        std::string text;
        if (!state_dir->fd) {
            report.problems.push_back(state_dir->problem);
        } else if (read_small_file(*state_dir, state_name, text) && !guard.load(text)) {
            report.problems.push_back(
                {options.state_path, "respawn state is corrupt; starting over"});
        }
    }

    const Root root(options.root);
    ActOptions act;
    act.dry_run = options.dry_run;
    act.use_pidfd = options.use_pidfd;
    act.observer = options.observer;
    act.snapshot = &input.snapshot;
    act.clock = input.clock;
    act.subreapers = config.settings.subreapers;
    DecisionLog log(options.log_path);
    bool state_changed = false;
    bool log_failed = false;
    const auto append_to_log = [&](const std::string& line) {
        if (options.log_path.empty() || log_failed) return;
        if (Problem problem = log.append(line); !problem.what.empty()) {
            report.problems.push_back(problem);  // reported once; the reaping goes on
            log_failed = true;
        }
    };

    // 1. What to do with each decision (the respawn guard may hold a reap back).
    std::vector<DecisionRecord> records;
    for (const Decision& decision : decisions) {
        const Rule& rule = config.rules[decision.rule_index];
        DecisionRecord record;
        record.decision = decision;
        record.time_unix_ms = now_unix_ms();
        record.user = user_name(decision.victim.uid);
        record.signal = signal_name(rule.signal);
        record.grace_ms = std::min(rule.grace_ms, options.max_grace_ms);
        const std::string cmdline = decision.victim.cmdline.value_or(decision.victim.name);
        if (decision.kind == DecisionKind::Spared) {
            record.action = Action::Spared;
        } else if (options.dry_run) {
            record.action = Action::DryRun;
        } else if (const auto verdict = guard.check(rule.name, cmdline, record.time_unix_ms);
                   verdict != RespawnGuard::Verdict::Allow) {
            record.action = Action::Suppressed;
            state_changed = true;
            if (verdict == RespawnGuard::Verdict::Escalate) {
                ++report.escalations;
                const std::string event =
                    escalation_event(record, config.settings)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                append_to_log(event);
                if (options.summary_to_stderr)
                    write_stderr(fmt::format(
                        "spawnreaper: ESCALATION: rule {} reaped '{}' {} times within the window; "
                        "leaving it alone and asking for a diagnosis\n",
                        rule.name, column_text(cmdline, 0), config.settings.respawn_limit));
                if (!config.settings.escalation_command.empty())
                    if (Problem problem =
                            run_escalation_command(config.settings.escalation_command, event);
                        !problem.what.empty())
                        report.problems.push_back(problem);
            }
        } else {
            record.action = Action::Reap;
            record.method = signal_method(act);
        }
        records.push_back(std::move(record));
    }

    // 2. Act on every victim of the cycle at once, so the cycle waits one grace, not one per
    // victim (the gate waits for this cycle before it admits a launch).
    act_together(records, config, root, act, input, options.max_grace_ms);

    // 3. Count, remember for the respawn guard, log and summarise.
    for (DecisionRecord& record : records) {
        const std::string cmdline =
            record.decision.victim.cmdline.value_or(record.decision.victim.name);
        switch (record.action) {
            case Action::Spared:
                ++report.spared;
                break;
            case Action::Suppressed:
                ++report.suppressed;
                break;
            case Action::DryRun:
                ++report.would_reap;
                break;
            case Action::Reap: {
                const TargetResult* victim = record.victim_result();
                if (record.failed()) ++report.failed;
                if (victim && (victim->outcome == Outcome::ExitedAfterSignal ||
                               victim->outcome == Outcome::KilledAfterGrace)) {
                    ++report.reaped;
                    guard.record_reap(record.decision.rule_name, cmdline, record.time_unix_ms);
                    state_changed = true;
                }
                break;
            }
        }
        append_to_log(format_log_line(record));
        if (options.summary_to_stderr) write_stderr(fmt::format("{}\n", format_summary(record)));
        report.records.push_back(std::move(record));
    }
    if (state_changed && state_dir && state_dir->fd)
        if (Problem problem = write_file_atomically(*state_dir, state_name, guard.save(), 0600);
            !problem.what.empty())
            report.problems.push_back(problem);
    report.duration_us =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - started)
                                       .count());
    return report;
}

}  // namespace spawngate
