#include "reap_cycle.hpp"

#include <pwd.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "boot_time.hpp"
#include "cgroup_scope.hpp"
#include "pidfd.hpp"
#include "process_snapshot.hpp"
#include "reap_decide.hpp"
#include "respawn_guard.hpp"
#include "state_dir.hpp"

namespace spawngate {
namespace {

std::uint64_t now_unix_ms() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

std::string user_name(std::optional<uid_t> uid) {
    if (!uid) return "";
    std::array<char, 4096> buffer;
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwuid_r(*uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found) return found->pw_name;
    return std::to_string(*uid);
}

// The read half of a cycle: stat for everything, details for candidates, scopes listed.
struct CycleInput {
    Snapshot snapshot;
    DecideContext context;
};

CycleInput read_cycle_input(const ReaperConfig& config, const std::vector<const Rule*>& rules,
                            const CycleOptions& options, std::vector<Problem>& problems) {
    const Root root(options.root);
    CycleInput input;
    const BootClockRead clock = read_boot_clock(root);
    if (!clock.clock) {
        input.snapshot.problem = clock.problem;
        return input;
    }
    input.snapshot = scan_processes(root, *clock.clock);
    if (input.snapshot.problem) return input;

    DecideContext& context = input.context;
    context.self_pid = options.self_pid ? options.self_pid : ::getpid();
    context.self_uid = ::getuid();
    context.self_and_ancestors = self_and_ancestors(input.snapshot, context.self_pid);
    context.scope_members.resize(config.rules.size());
    for (std::size_t index = 0; index < config.rules.size(); ++index) {
        const Rule& rule = config.rules[index];
        if (!rule.cgroup || std::find(rules.begin(), rules.end(), &rule) == rules.end()) continue;
        ScopeMembers members = list_scope_members(*rule.cgroup, root);
        if (!members.pids) problems.push_back({"rule " + rule.name, members.problem.text()});
        context.scope_members[index] = std::move(members.pids);
    }

    // Details (status, cmdline, exe) only where some rule could still match on stat alone.
    const DetailsWanted wanted{true, true};
    for (ProcessInfo& process : input.snapshot.processes) {
        const Exclusion exclusion = hard_exclusion(process, config.settings, context);
        if (exclusion == Exclusion::NamespaceInit || exclusion == Exclusion::KernelThread ||
            exclusion == Exclusion::Zombie)
            continue;
        for (const Rule* rule : rules) {
            const std::size_t index = static_cast<std::size_t>(rule - config.rules.data());
            if (could_match_from_stat(*rule, index, process, input.snapshot, config.settings, context)) {
                read_details(root, process, wanted);
                break;
            }
        }
    }
    return input;
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
    if (config.settings.protect_cmdlines.empty()) return decisions;
    // Protected command lines must also spare descendants, whose cmdlines were not read yet.
    const Root root(options.root);
    bool read_more = false;
    for (const Decision& decision : decisions)
        for (const ProcessRef& child : decision.descendants)
            if (ProcessInfo* info = input.snapshot.find(child.pid); info && !info->details_read) {
                read_details(root, *info, {true, true});
                read_more = true;
            }
    return read_more ? decide(input.snapshot, config, input.context) : decisions;
}

nlohmann::json escalation_event(const DecisionRecord& record, std::size_t reaps, const ReaperSettings& settings) {
    const ProcessInfo& victim = record.decision.victim;
    return {{"time", iso8601_utc(record.time_unix_ms)},
            {"event", "escalation"},
            {"rule", record.decision.rule_name},
            {"cmdline", victim.cmdline.value_or("")},
            {"name", victim.name},
            {"pid", victim.pid},
            {"reaps_in_window", reaps},
            {"respawn_limit", settings.respawn_limit},
            {"window_s", settings.respawn_window_ms / 1000},
            {"message", "respawn loop: this command came back after every reap; it is left alone for the "
                        "window and needs a diagnosis"}};
}

}  // namespace

std::vector<Decision> match_now(const ReaperConfig& config, const Rule& rule, const CycleOptions& options,
                                std::vector<Problem>& problems) {
    const ReaperConfig subset = with_rules(config, {&rule});
    const std::vector<const Rule*> rules{&subset.rules.front()};
    CycleInput input = read_cycle_input(subset, rules, options, problems);
    if (input.snapshot.problem) {
        problems.push_back(*input.snapshot.problem);
        return {};
    }
    return decide_with_descendant_details(subset, input, options);
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

    // Respawn state is kept only when a path is given; a corrupt file starts over, with a warning.
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
            report.problems.push_back({options.state_path, "respawn state is corrupt; starting over"});
        }
    }

    const Root root(options.root);
    ActOptions act;
    act.dry_run = options.dry_run;
    act.use_pidfd = options.use_pidfd;
    DecisionLog log(options.log_path);
    bool state_changed = false;
    bool log_failed = false;
    for (const Decision& decision : decisions) {
        DecisionRecord record;
        record.decision = decision;
        record.time_unix_ms = now_unix_ms();
        record.user = user_name(decision.victim.uid);
        record.signal = signal_name(config.rules[decision.rule_index].signal);
        record.grace_ms = config.rules[decision.rule_index].grace_ms;
        const std::string cmdline = decision.victim.cmdline.value_or(decision.victim.name);
        const Rule& rule = config.rules[decision.rule_index];
        std::vector<ProcessRef> targets = decision.descendants;
        targets.push_back({decision.victim.pid, decision.victim.start_time_ticks, decision.victim.name});

        if (decision.kind == DecisionKind::Spared) {
            record.action = Action::Spared;
            ++report.spared;
        } else if (options.dry_run) {
            record.action = Action::DryRun;
            record.results = reap_targets(root, targets, rule.signal, rule.grace_ms, act);
            ++report.would_reap;
        } else {
            const auto verdict = guard.check(rule.name, cmdline, record.time_unix_ms);
            if (verdict != RespawnGuard::Verdict::Allow) {
                record.action = Action::Suppressed;
                ++report.suppressed;
                state_changed = true;
                if (verdict == RespawnGuard::Verdict::Escalate) {
                    ++report.escalations;
                    const std::string event =
                        escalation_event(record, config.settings.respawn_limit, config.settings)
                            .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                    if (!options.log_path.empty())
                        if (Problem problem = log.append(event); !problem.what.empty()) {
                            report.problems.push_back(problem);
                            log_failed = true;
                        }
                    if (options.summary_to_stderr)
                        std::cerr << "spawnreaper: ESCALATION: rule " << rule.name << " reaped '" << cmdline
                                  << "' " << config.settings.respawn_limit
                                  << " times within the window; leaving it alone and asking for a diagnosis\n";
                    if (!config.settings.escalation_command.empty())
                        if (Problem problem = run_escalation_command(config.settings.escalation_command, event);
                            !problem.what.empty())
                            report.problems.push_back(problem);
                }
            } else {
                record.action = Action::Reap;
                record.method = signal_method(act);
                record.results = reap_targets(root, targets, rule.signal, rule.grace_ms, act);
                const TargetResult* victim = record.victim_result();
                if (record.failed()) ++report.failed;
                if (victim && (victim->outcome == Outcome::ExitedAfterSignal ||
                               victim->outcome == Outcome::KilledAfterGrace)) {
                    ++report.reaped;
                    guard.record_reap(rule.name, cmdline, record.time_unix_ms);
                    state_changed = true;
                }
            }
        }
        if (!options.log_path.empty() && !log_failed)
            if (Problem problem = log.append(format_log_line(record)); !problem.what.empty()) {
                // Reported once; the reaping goes on.
                report.problems.push_back(problem);
                log_failed = true;
            }
        if (options.summary_to_stderr) std::cerr << format_summary(record) << "\n";
        report.records.push_back(std::move(record));
    }
    if (state_changed && state_dir && state_dir->fd)
        if (Problem problem = write_file_atomically(*state_dir, state_name, guard.save()); !problem.what.empty())
            report.problems.push_back(problem);
    report.duration_us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count());
    return report;
}

}  // namespace spawngate
