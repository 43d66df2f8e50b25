#include "proc_scan.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "text_parse.hpp"

namespace spawngate {

PidList list_pids(const Root& root) {
    PidList list;
    const std::string proc = root.join("/proc");
    const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(proc.c_str()), &::closedir);
    if (!dir) {
        list.problem = Problem{proc, std::string("cannot list processes: ") + std::strerror(errno)};
        return list;
    }
    while (const dirent* entry = ::readdir(dir.get())) {
        const auto pid = parse_u64(entry->d_name);
        if (pid && *pid > 0 && *pid <= 0x3fffffff) list.pids.push_back(static_cast<pid_t>(*pid));
    }
    std::sort(list.pids.begin(), list.pids.end());
    return list;
}

}  // namespace spawngate
