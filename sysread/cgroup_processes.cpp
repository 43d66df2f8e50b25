#include "cgroup_processes.hpp"

#include <dirent.h>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {

std::optional<std::vector<pid_t>> cgroup_subtree_processes(const Root& root,
                                                           const std::string& directory) {
    // Breadth-first over the cgroup directories; a child cgroup removed mid-walk is skipped
    // rather than ending the walk (std::filesystem's iterator stops at the first error, which
    // would undercount silently).
    std::vector<std::string> directories{directory};
    for (std::size_t next = 0; next < directories.size(); ++next) {
        DIR* listing = ::opendir(root.join(directories[next]).c_str());
        if (!listing) continue;
        while (const dirent* entry = ::readdir(listing)) {
            const std::string_view name = entry->d_name;
            if (entry->d_type != DT_DIR || name == "." || name == "..") continue;
            directories.push_back(directories[next] + "/" + std::string(name));
        }
        ::closedir(listing);
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
