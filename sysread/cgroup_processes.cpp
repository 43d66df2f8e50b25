#include "cgroup_processes.hpp"

#include <filesystem>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {

std::optional<std::vector<pid_t>> cgroup_subtree_processes(const Root& root,
                                                           const std::string& directory) {
    std::vector<std::string> directories{directory};
    const std::string host_dir = root.join(directory);
    std::error_code error;
    for (auto it = std::filesystem::recursive_directory_iterator(host_dir, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_directory(error))
            directories.push_back(directory + it->path().string().substr(host_dir.size()));
    }
    std::vector<pid_t> pids;
    std::vector<char> buffer(1 << 20);  // cgroup.procs of a busy cgroup: one pid per line
    for (const auto& dir : directories) {
        const ReadResult read = read_file(root, dir + "/cgroup.procs", buffer);
        const bool unreadable =
            read.status == ReadStatus::Missing || read.status == ReadStatus::Failed;
        if (unreadable && &dir == &directories.front()) return std::nullopt;
        std::string_view rest = read.text;
        while (const auto line = next_line(rest))
            if (const auto pid = parse_u64(*line); pid && *pid > 0)
                pids.push_back(static_cast<pid_t>(*pid));
    }
    return pids;
}

}  // namespace spawngate
