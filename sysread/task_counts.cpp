#include "task_counts.hpp"

#include "file_read.hpp"

namespace spawngate {

TaskCounts read_task_counts(const Root& root, const CgroupLocation& location) {
    TaskCounts counts;
    const std::string directory = location.directory();
    const std::string procs_file = directory + "/cgroup.procs";
    const LineCount procs = count_lines(root, procs_file);
    if (procs.status == ReadStatus::Ok) {
        counts.processes = procs.lines;
    } else {
        counts.problem = Problem{procs_file, describe(procs.status, procs.error)};
    }
    const std::string threads_file = directory + (location.unified ? "/cgroup.threads" : "/tasks");
    const LineCount threads = count_lines(root, threads_file);
    if (threads.status == ReadStatus::Ok) {
        counts.threads = threads.lines;
    } else if (!counts.problem) {
        counts.problem = Problem{threads_file, describe(threads.status, threads.error)};
    }
    return counts;
}

}  // namespace spawngate
