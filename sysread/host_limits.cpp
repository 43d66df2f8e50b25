#include "host_limits.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

std::optional<std::uint64_t> read_number(const Root& root, const char* file, HostLimits& out) {
    std::array<char, 64> buffer;
    const ReadResult read = read_file(root, file, buffer);
    if (!read.ok()) {
        out.problems.push_back({file, describe(read.status, read.error)});
        return std::nullopt;
    }
    auto value = parse_u64(read.text);
    if (!value) out.problems.push_back({file, "not a number: " + quote_excerpt(read.text)});
    if (value && *value == 0) {
        // No kernel reports a zero limit; such a file is garbage, not a limit that blocks all.
        out.problems.push_back({file, "zero is not a task limit"});
        return std::nullopt;
    }
    return value;
}

bool all_digits(const char* name) {
    if (*name == '\0') return false;
    for (; *name; ++name)
        if (*name < '0' || *name > '9') return false;
    return true;
}

}  // namespace

std::optional<std::uint64_t> parse_loadavg_tasks(std::string_view text) {
    // "0.31 0.08 0.03 1/79 1975"
    for (int field = 0; field < 3; ++field) {
        const auto space = text.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        text.remove_prefix(space + 1);
    }
    const auto slash = text.find('/');
    const auto space = text.find(' ');
    if (slash == std::string_view::npos || (space != std::string_view::npos && space < slash))
        return std::nullopt;
    return parse_u64(
        text.substr(slash + 1, space == std::string_view::npos ? space : space - slash - 1));
}

std::uint64_t count_user_tasks(const Root& root, unsigned uid) {
    const std::string proc = root.join("/proc");
    DIR* dir = ::opendir(proc.c_str());
    if (!dir) return 0;
    std::uint64_t tasks = 0;
    std::string task_dir;
    while (const dirent* entry = ::readdir(dir)) {
        if (!all_digits(entry->d_name)) continue;
        task_dir = proc + "/" + entry->d_name + "/task";
        struct stat info {};
        if (::stat(task_dir.c_str(), &info) != 0 || info.st_uid != uid) continue;
        tasks += info.st_nlink > 2 ? info.st_nlink - 2 : 1;
    }
    ::closedir(dir);
    return tasks;
}

HostLimits read_host_limits(const Root& root) {
    HostLimits host;
    std::array<char, 128> buffer;
    std::optional<std::uint64_t> tasks;
    const ReadResult loadavg = read_file(root, "/proc/loadavg", buffer);
    if (loadavg.ok()) tasks = parse_loadavg_tasks(loadavg.text);
    if (!tasks) {
        host.problems.push_back({"/proc/loadavg", loadavg.ok()
                                                      ? "no running/total task field"
                                                      : describe(loadavg.status, loadavg.error)});
    }
    const auto pid_max = read_number(root, "/proc/sys/kernel/pid_max", host);
    const auto threads_max = read_number(root, "/proc/sys/kernel/threads-max", host);
    if (tasks && pid_max) host.limits.push_back({"kernel.pid_max", *tasks, *pid_max});
    if (tasks && threads_max) host.limits.push_back({"kernel.threads-max", *tasks, *threads_max});

    struct rlimit nproc {};
    if (::geteuid() != 0 && ::getrlimit(RLIMIT_NPROC, &nproc) == 0 &&
        nproc.rlim_cur != RLIM_INFINITY)
        host.limits.push_back({"RLIMIT_NPROC", count_user_tasks(root, ::getuid()), nproc.rlim_cur});
    return host;
}

}  // namespace spawngate
