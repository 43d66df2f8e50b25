#include "process_snapshot.hpp"

#include "proc_cmdline.hpp"
#include "proc_scan.hpp"

namespace spawngate {

const ProcessInfo* Snapshot::find(pid_t pid) const {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

ProcessInfo* Snapshot::find(pid_t pid) {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

namespace {

void fill_from_stat(ProcessInfo& process, ProcStat&& stat, const BootClock& clock) {
    process.stat_read = true;
    process.ppid = stat.ppid;
    process.session = stat.session;
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

Snapshot scan_processes(const Root& root, const BootClock& clock,
                        const std::vector<const Pattern*>* name_filter) {
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
        if (name_filter) {
            auto name = proc.read_comm(pid);
            if (!name) continue;  // vanished: skipped quietly
            if (!name_passes(*name, *name_filter)) {
                process.name = std::move(*name);
                snapshot.complete = false;
                snapshot.index.emplace(pid, snapshot.processes.size());
                snapshot.processes.push_back(std::move(process));
                continue;
            }
        }
        auto stat = proc.read_stat(pid);
        if (!stat || stat->pid != pid) continue;  // vanished, or garbage: skipped quietly
        fill_from_stat(process, std::move(*stat), clock);
        snapshot.index.emplace(pid, snapshot.processes.size());
        snapshot.processes.push_back(std::move(process));
    }
    return snapshot;
}

bool ensure_stat(const Root& root, const BootClock& clock, Snapshot& snapshot, pid_t pid) {
    ProcessInfo* process = snapshot.find(pid);
    if (!process) return false;
    if (process->stat_read) return true;
    auto stat = ProcDirectory(root).read_stat(pid);
    if (!stat || stat->pid != pid) return false;
    fill_from_stat(*process, std::move(*stat), clock);
    return true;
}

void complete_scan(const Root& root, const BootClock& clock, Snapshot& snapshot) {
    if (snapshot.complete) return;
    const ProcDirectory proc(root);
    for (ProcessInfo& process : snapshot.processes) {
        if (process.stat_read) continue;
        auto stat = proc.read_stat(process.pid);
        if (stat && stat->pid == process.pid) fill_from_stat(process, std::move(*stat), clock);
    }
    snapshot.complete = true;
}

void read_cmdline(const Root& root, ProcessInfo& process) {
    if (process.cmdline_read) return;
    process.cmdline_read = true;
    process.cmdline = read_proc_cmdline(root, process.pid);
}

void read_exe(const Root& root, ProcessInfo& process) {
    if (process.exe_read) return;
    process.exe_read = true;
    process.exe = read_proc_exe(root, process.pid);
}

void read_details(const Root& root, ProcessInfo& process) {
    if (!process.status_read) {
        process.status_read = true;
        if (const auto status = read_proc_status(root, process.pid)) {
            process.uid = status->real_uid;
            process.anon_memory = status->anon_memory();
            if (status->threads) process.threads = *status->threads;
        }
    }
    read_cmdline(root, process);
    read_exe(root, process);
}

}  // namespace spawngate
