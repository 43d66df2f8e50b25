#include "process_snapshot.hpp"

#include "proc_cmdline.hpp"
#include "proc_scan.hpp"
#include "proc_stat.hpp"

namespace spawngate {

const ProcessInfo* Snapshot::find(pid_t pid) const {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

ProcessInfo* Snapshot::find(pid_t pid) {
    const auto found = index.find(pid);
    return found == index.end() ? nullptr : &processes[found->second];
}

Snapshot scan_processes(const Root& root, const BootClock& clock) {
    Snapshot snapshot;
    PidList listed = list_pids(root);
    if (listed.problem) {
        snapshot.problem = listed.problem;
        return snapshot;
    }
    snapshot.processes.reserve(listed.pids.size());
    snapshot.index.reserve(listed.pids.size());
    for (const pid_t pid : listed.pids) {
        auto stat = read_proc_stat(root, pid);
        if (!stat || stat->pid != pid) continue;  // vanished, or garbage: skipped quietly
        ProcessInfo process;
        process.pid = pid;
        process.ppid = stat->ppid;
        process.session = stat->session;
        process.name = std::move(stat->comm);
        process.state = stat->state;
        process.kernel_thread = stat->is_kernel_thread();
        process.start_time_ticks = stat->start_time_ticks;
        process.start_unix_ms = clock.start_unix_ms(stat->start_time_ticks);
        process.age_ms = clock.age_ms(stat->start_time_ticks);
        process.threads = stat->threads;
        snapshot.index.emplace(pid, snapshot.processes.size());
        snapshot.processes.push_back(std::move(process));
    }
    return snapshot;
}

void read_details(const Root& root, ProcessInfo& process, DetailsWanted wanted) {
    if (process.details_read) return;
    const auto status = read_proc_status(root, process.pid);
    if (!status) return;
    process.uid = status->real_uid;
    process.anon_memory = status->anon_memory();
    if (status->threads) process.threads = *status->threads;
    if (wanted.cmdline) {
        process.cmdline = read_proc_cmdline(root, process.pid);
        if (!process.cmdline) return;
    }
    if (wanted.exe) process.exe = read_proc_exe(root, process.pid);
    process.details_read = true;
}

}  // namespace spawngate
