#include "zoo_processes.hpp"

#include "proc_cmdline.hpp"
#include "proc_scan.hpp"
#include "proc_stat.hpp"

namespace spawngate::zoo {
namespace {

std::vector<std::string> split_at_nuls(const std::string& raw) {
    std::vector<std::string> words;
    std::string::size_type begin = 0;
    while (begin < raw.size()) {
        const auto end = raw.find('\0', begin);
        if (end == std::string::npos) {  // cut short by the size limit: the last word counts
            words.push_back(raw.substr(begin));
            break;
        }
        words.push_back(raw.substr(begin, end - begin));
        begin = end + 1;
    }
    return words;
}

void add_subtree(const ProcessTable& table, const std::multimap<pid_t, pid_t>& children, pid_t pid,
                 std::vector<SeenProcess>& out) {
    out.push_back(table.at(pid));
    const auto [first, last] = children.equal_range(pid);
    for (auto child = first; child != last; ++child)
        add_subtree(table, children, child->second, out);
}

}  // namespace

ProcessTable scan_processes(const Root& root) {
    ProcessTable table;
    for (const pid_t pid : list_pids(root).pids) {
        const auto stat = read_proc_stat(root, pid);
        const auto raw = read_proc_argv(root, pid);
        if (!stat || !raw) continue;  // gone while read
        table[pid] = SeenProcess{pid,           stat->ppid,         stat->pgrp,
                                 stat->session, stat->state,        stat->start_time_ticks,
                                 stat->comm,    split_at_nuls(*raw)};
    }
    return table;
}

std::vector<SeenProcess> tree_of(const ProcessTable& table, pid_t top) {
    std::vector<SeenProcess> tree;
    if (!table.contains(top)) return tree;
    std::multimap<pid_t, pid_t> children;
    for (const auto& [pid, process] : table) children.emplace(process.ppid, pid);
    add_subtree(table, children, top, tree);
    return tree;
}

bool still_runs(const Root& root, const SeenProcess& process) {
    const auto stat = read_proc_stat(root, process.pid);
    return stat && stat->start_time_ticks == process.start_time_ticks && !stat->is_zombie();
}

std::string shown_argv(const std::vector<std::string>& argv) {
    std::string shown;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (i > 0) shown += "\u2400";
        shown += argv[i];
    }
    return shown;
}

}  // namespace spawngate::zoo
