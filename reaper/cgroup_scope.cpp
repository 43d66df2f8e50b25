#include "cgroup_scope.hpp"

#include <libcgroup.h>

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "cgroup_membership.hpp"
#include "file_read.hpp"

namespace spawngate {
namespace {

constexpr const char* kController = "pids";

// libcgroup's global state is set up once per process.
int init_libcgroup() {
    static std::once_flag once;
    static int status = 0;
    std::call_once(once, [] { status = ::cgroup_init(); });
    return status;
}

std::string libcgroup_error(int code) {
    return ::cgroup_strerror(code);
}

// Adds the tasks of one cgroup (a path relative to the hierarchy's root).
int add_tasks(const std::string& cgroup, std::unordered_set<pid_t>& pids) {
    void* handle = nullptr;
    pid_t pid = 0;
    int status = ::cgroup_get_task_begin(cgroup.c_str(), kController, &handle, &pid);
    while (status == 0) {
        pids.insert(pid);
        status = ::cgroup_get_task_next(&handle, &pid);
    }
    if (handle) ::cgroup_get_task_end(&handle);
    return status == ECGEOF ? 0 : status;
}

}  // namespace

std::optional<std::string> own_pids_cgroup(const Root& root) {
    std::array<char, 4096> buffer;
    const ReadResult read = read_file(root, "/proc/self/cgroup", buffer);
    if (!read.ok()) return std::nullopt;
    const MembershipParse parsed = parse_cgroup_membership(read.text);
    if (!parsed.membership) return std::nullopt;
    return pids_cgroup_path(*parsed.membership);
}

ScopeMembers list_scope_members(const CgroupScope& scope, const Root& root) {
    ScopeMembers members;
    if (!root.is_system_root()) {
        members.problem = {"cgroup",
                           "cgroup scopes are listed with libcgroup and need the system root"};
        return members;
    }
    std::string base = scope.path;
    if (scope.own_subtree) {
        const auto own = own_pids_cgroup(root);
        if (!own) {
            members.problem = {"/proc/self/cgroup", "cannot tell the reaper's own pids cgroup"};
            return members;
        }
        base = *own;
    }
    members.path = base;
    if (const int status = init_libcgroup(); status != 0) {
        members.problem = {"libcgroup",
                           fmt::format("cgroup_init failed: {}", libcgroup_error(status))};
        return members;
    }
    char* mount_raw = nullptr;
    if (const int status = ::cgroup_get_subsys_mount_point(kController, &mount_raw); status != 0) {
        members.problem = {"libcgroup",
                           fmt::format("no pids hierarchy mounted: {}", libcgroup_error(status))};
        return members;
    }
    const std::unique_ptr<char, decltype(&std::free)> mount(mount_raw, &std::free);
    const std::string mount_point = mount.get();

    std::unordered_set<pid_t> pids;
    void* walk = nullptr;
    cgroup_file_info info{};
    int base_level = 0;
    int status = ::cgroup_walk_tree_begin(kController, base.c_str(), 0, &walk, &info, &base_level);
    // libcgroup's iterators.h warns that end() after a failed begin() may crash: only after
    // success.
    if (status != 0) {
        members.problem = {mount_point + base,
                           fmt::format("cannot walk the cgroup: {}", libcgroup_error(status))};
        return members;
    }
    while (status == 0) {
        if (info.type == CGROUP_FILE_TYPE_DIR && info.full_path) {
            std::string relative = info.full_path;
            relative =
                relative.size() > mount_point.size() ? relative.substr(mount_point.size()) : "/";
            while (relative.size() > 1 && relative.back() == '/') relative.pop_back();
            if (const int tasks = add_tasks(relative, pids);
                tasks != 0 && tasks != ECGROUPNOTEXIST) {
                status = tasks;
                break;
            }
        }
        status = ::cgroup_walk_tree_next(0, &walk, &info, base_level);
    }
    ::cgroup_walk_tree_end(&walk);
    if (status != ECGEOF) {
        members.problem = {mount_point + base, fmt::format("cannot list the cgroup's tasks: {}",
                                                           libcgroup_error(status))};
        return members;
    }
    members.pids = std::move(pids);
    return members;
}

}  // namespace spawngate
