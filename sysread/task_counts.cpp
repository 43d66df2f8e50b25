#include "task_counts.hpp"

#include "file_read.hpp"

namespace spawngate {

void read_process_count(const Root& root, const CgroupLocation& location, TaskCounts& counts) {
    const std::string procs_file = location.directory() + "/cgroup.procs";
    const LineCount procs = count_lines(root, procs_file);
    if (procs.status == ReadStatus::Ok) {
        counts.processes = procs.lines;
    } else if (!counts.problem) {
        counts.problem = Problem{procs_file, describe(procs.status, procs.error)};
    }
}

void read_thread_count(const Root& root, const CgroupLocation& location, TaskCounts& counts) {
    const std::string threads_file =
        location.directory() + (location.unified ? "/cgroup.threads" : "/tasks");
    const LineCount threads = count_lines(root, threads_file);
    if (threads.status == ReadStatus::Ok) {
        counts.threads = threads.lines;
    } else if (!counts.problem) {
        counts.problem = Problem{threads_file, describe(threads.status, threads.error)};
    }
}

TaskCounts read_task_counts(const Root& root, const CgroupLocation& location) {
    TaskCounts counts;
    read_process_count(root, location, counts);
    read_thread_count(root, location, counts);
    return counts;
}

}  // namespace spawngate
