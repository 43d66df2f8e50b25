#include "process_snapshot.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "cgroup_membership.hpp"
#include "file_read.hpp"
#include "proc_cmdline.hpp"
#include "proc_scan.hpp"
#include "program_name.hpp"

namespace spawngate {

const ProcessInfo* Snapshot::find(pid_t pid) const {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

ProcessInfo* Snapshot::find(pid_t pid) {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

bool Snapshot::is_orphan(const ProcessInfo& process,
                         const std::vector<std::string>& subreapers) const {
    if (process.ppid == 1) return true;
    const ProcessInfo* parent = find(process.ppid);
    return parent &&
           std::find(subreapers.begin(), subreapers.end(), parent->name) != subreapers.end();
}

namespace {

// argv beyond 32 KiB is not read: the program is found in its first words, and a pattern over
// the rest would make a cycle's cost grow with what processes choose to put there.
constexpr std::size_t kMaxCmdlineBytes = 32768;

void fill_from_stat(ProcessInfo& process, ProcStat&& stat, const BootClock& clock) {
    process.stat_read = true;
    process.ppid = stat.ppid;
    process.session = stat.session;
    process.process_group = stat.pgrp;
    process.name = std::move(stat.comm);
    process.state = stat.state;
    process.kernel_thread = stat.is_kernel_thread();
    process.start_time_ticks = stat.start_time_ticks;
    process.start_unix_ms = clock.start_unix_ms(stat.start_time_ticks);
    process.age_ms = clock.age_ms(stat.start_time_ticks);
    process.threads = stat.threads;
}

bool name_passes(const std::string& name, const std::vector<const Pattern*>& filter) {
    for (const Pattern* pattern : filter)
        if (pattern->matches(name)) return true;
    return false;
}

}  // namespace

namespace {

std::string proc_file(const ProcessInfo& process, const char* file) {
    return fmt::format("/proc/{}/{}", process.pid, file);
}

// Notes a failed read of a process still in the snapshot: gone, or not judgeable.
void note_failure(ProcessInfo& process, const char* file, const ProcReadError& failure) {
    if (failure.gone()) {
        process.vanished = true;
    } else if (failure.reportable() && !process.unreadable) {
        process.unreadable = Problem{proc_file(process, file), describe(failure)};
    }
}

// Notes a process left out of the snapshot because its comm or stat gave no answer.
void note_left_out(Snapshot& snapshot, pid_t pid, const char* file, const ProcReadError& failure) {
    if (failure.gone()) {
        snapshot.vanished.push_back(pid);
    } else {
        snapshot.unreadable.push_back({fmt::format("/proc/{}/{}", pid, file), describe(failure)});
    }
}

}  // namespace

Snapshot scan_processes(const Root& root, const BootClock& clock,
                        const std::vector<const Pattern*>* name_filter,
                        ProcessStepObserver* observer) {
    Snapshot snapshot;
    PidList listed = list_pids(root);
    const ProcDirectory proc(root);
    if (listed.problem || !proc.valid()) {
        snapshot.problem = listed.problem.value_or(Problem{root.join("/proc"), "cannot open"});
        return snapshot;
    }
    snapshot.processes.reserve(listed.pids.size());
    snapshot.index.reserve(listed.pids.size());
    for (const pid_t pid : listed.pids) {
        ProcessInfo process;
        process.pid = pid;
        ProcReadError failure;
        if (name_filter) {
            notify(observer, ProcessStep::Comm, pid);
            auto name = proc.read_comm(pid, &failure);
            if (!name) {
                note_left_out(snapshot, pid, "comm", failure);
                continue;
            }
            if (!name_passes(*name, *name_filter)) {
                process.name = std::move(*name);
                snapshot.complete = false;
                snapshot.index.emplace(pid, snapshot.processes.size());
                snapshot.processes.push_back(std::move(process));
                continue;
            }
        }
        notify(observer, ProcessStep::Stat, pid);
        auto stat = proc.read_stat(pid, &failure);
        if (!stat) {
            note_left_out(snapshot, pid, "stat", failure);
            continue;
        }
        fill_from_stat(process, std::move(*stat), clock);
        snapshot.index.emplace(pid, snapshot.processes.size());
        snapshot.processes.push_back(std::move(process));
    }
    return snapshot;
}

bool ensure_stat(const Root& root, const BootClock& clock, Snapshot& snapshot, pid_t pid,
                 ProcessStepObserver* observer) {
    ProcessInfo* process = snapshot.find(pid);
    if (!process) return false;
    if (process->stat_read) return true;
    notify(observer, ProcessStep::Stat, pid);
    ProcReadError failure;
    auto stat = ProcDirectory(root).read_stat(pid, &failure);
    if (!stat) {
        note_failure(*process, "stat", failure);
        return false;
    }
    fill_from_stat(*process, std::move(*stat), clock);
    return true;
}

void complete_scan(const Root& root, const BootClock& clock, Snapshot& snapshot,
                   ProcessStepObserver* observer) {
    if (snapshot.complete) return;
    const ProcDirectory proc(root);
    for (ProcessInfo& process : snapshot.processes) {
        if (process.stat_read) continue;
        notify(observer, ProcessStep::Stat, process.pid);
        ProcReadError failure;
        auto stat = proc.read_stat(process.pid, &failure);
        if (stat) {
            fill_from_stat(process, std::move(*stat), clock);
        } else {
            note_failure(process, "stat", failure);
        }
    }
    snapshot.complete = true;
}

void read_cmdline(const Root& root, ProcessInfo& process, ProcessStepObserver* observer) {
    if (process.cmdline_read) return;
    process.cmdline_read = true;
    notify(observer, ProcessStep::Cmdline, process.pid);
    ProcReadError failure;
    const auto argv = read_proc_argv(root, process.pid, kMaxCmdlineBytes, &failure);
    if (!argv) {
        note_failure(process, "cmdline", failure);
        return;
    }
    process.cmdline = join_cmdline(*argv);
    process.program = program_of(*argv);
}

void read_cgroup(const Root& root, ProcessInfo& process, ProcessStepObserver* /*observer*/) {
    if (process.cgroup_read) return;
    process.cgroup_read = true;
    std::array<char, 4096> buffer;
    const ReadResult read =
        read_file(root, "/proc/" + std::to_string(process.pid) + "/cgroup", buffer);
    if (!read.ok()) return;
    const MembershipParse parsed = parse_cgroup_membership(read.text);
    if (parsed.membership) process.cgroup = pids_cgroup_path(*parsed.membership);
}

void read_exe(const Root& root, ProcessInfo& process, ProcessStepObserver* observer) {
    if (process.exe_read) return;
    process.exe_read = true;
    notify(observer, ProcessStep::Exe, process.pid);
    // An unreadable exe only fails the exe pattern, so it is not reported. ENOENT is no proof
    // that the process is gone (zombies have no exe either): only a missing pid directory is.
    ProcReadError failure;
    process.exe = read_proc_exe(root, process.pid, &failure);
    if (!process.exe && failure.gone() &&
        ::access(root.join("/proc/" + std::to_string(process.pid)).c_str(), F_OK) != 0 &&
        errno == ENOENT)
        process.vanished = true;
}

void read_details(const Root& root, ProcessInfo& process, ProcessStepObserver* observer) {
    if (!process.status_read) {
        process.status_read = true;
        notify(observer, ProcessStep::Status, process.pid);
        ProcReadError failure;
        if (const auto status = read_proc_status(root, process.pid, &failure)) {
            process.uid = status->real_uid;
            process.anon_memory = status->anon_memory();
            if (status->threads) process.threads = *status->threads;
            // Every status the kernel writes has a Uid line; without one, whose process this is
            // is unknown, and that is not judged.
            if (!process.uid) note_failure(process, "status", {ProcReadFailure::Malformed, 0});
        } else {
            note_failure(process, "status", failure);
        }
    }
    read_cmdline(root, process, observer);
    read_exe(root, process, observer);
    read_cgroup(root, process, observer);
}

}  // namespace spawngate
