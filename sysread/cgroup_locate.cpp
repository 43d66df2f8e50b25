#include "cgroup_locate.hpp"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <array>

#include "file_read.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

constexpr std::string_view kCgroupFsRoot = "/sys/fs/cgroup";

bool has_magic(const char* path, long magic) {
    struct statfs info {};
    return ::statfs(path, &info) == 0 && static_cast<long>(info.f_type) == magic;
}

// True when `location`'s directory exists; records its identity while at it.
bool directory_exists(const Root& root, CgroupLocation& location) {
    struct stat info {};
    if (::stat(root.join(location.directory()).c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        return false;
    location.directory_device = info.st_dev;
    location.directory_inode = info.st_ino;
    return true;
}

// `cgroup_path` relative to a mount whose root is `mount_root`; nullopt when the cgroup lies
// outside what that mount shows.
std::optional<std::string> relative_to(std::string_view cgroup_path, std::string_view mount_root) {
    if (mount_root == "/" || mount_root.empty()) return std::string(cgroup_path);
    if (!cgroup_path.starts_with(mount_root)) return std::nullopt;
    const std::string_view rest = cgroup_path.substr(mount_root.size());
    if (rest.empty()) return std::string("/");
    if (rest.front() != '/') return std::nullopt;
    return std::string(rest);
}

bool unified_offers(const Root& root, std::string_view mount_point, std::string_view controller) {
    std::array<char, 512> buffer;
    const std::string file = std::string(mount_point) + "/cgroup.controllers";
    const ReadResult read = read_file(root, file, buffer);
    if (read.status != ReadStatus::Ok) return false;
    std::string_view words = trim(read.text);
    while (!words.empty()) {
        const auto space = words.find(' ');
        if (words.substr(0, space) == controller) return true;
        if (space == std::string_view::npos) break;
        words.remove_prefix(space + 1);
    }
    return false;
}

// Among the mounts of one kind, the one showing `cgroup_path` with the longest root (a bind
// mount of a subtree beats nothing; the full hierarchy beats nothing either).
std::optional<CgroupLocation> best_mount(const Root& root, const std::vector<CgroupMount>& mounts,
                                         std::string_view cgroup_path, bool unified,
                                         std::string_view controller) {
    std::optional<CgroupLocation> best;
    std::size_t best_root_length = 0;
    for (const auto& mount : mounts) {
        if (mount.unified != unified) continue;
        if (!unified && !comma_list_contains(mount.super_options, controller)) continue;
        if (unified && !unified_offers(root, mount.mount_point, controller)) continue;
        auto relative = relative_to(cgroup_path, mount.root);
        if (!relative) continue;
        if (best && mount.root.size() <= best_root_length) continue;
        best = CgroupLocation{unified, mount.mount_point, std::move(*relative)};
        best_root_length = mount.root.size();
    }
    return best;
}

std::optional<CgroupLocation> standard_v1(const Root& root, const CgroupMembership::V1Line& line,
                                          std::string_view controller) {
    if (!root.is_system_root()) return std::nullopt;
    for (const std::string_view name : {std::string_view(line.controllers), controller}) {
        const std::string mount_point = std::string(kCgroupFsRoot) + "/" + std::string(name);
        if (!has_magic(mount_point.c_str(), CGROUP_SUPER_MAGIC)) continue;
        CgroupLocation location{false, mount_point, line.path};
        // Without a cgroup namespace a container can see a host path that its mount does not
        // show; then only mountinfo knows the mount's root.
        if (directory_exists(root, location)) return location;
    }
    return std::nullopt;
}

std::optional<CgroupLocation> standard_v2(const Root& root, const std::string& path,
                                          std::string_view controller) {
    if (!root.is_system_root()) return std::nullopt;
    for (const std::string_view mount_point :
         {kCgroupFsRoot, std::string_view("/sys/fs/cgroup/unified")}) {
        const std::string point(mount_point);
        if (!has_magic(point.c_str(), CGROUP2_SUPER_MAGIC)) continue;
        if (!unified_offers(root, point, controller)) return std::nullopt;
        CgroupLocation location{true, point, path};
        if (directory_exists(root, location)) return location;
    }
    return std::nullopt;
}

}  // namespace

std::string CgroupLocation::directory_of(std::string_view cgroup_path) const {
    std::string dir = mount_point;
    if (cgroup_path != "/") dir += cgroup_path;
    return dir;
}

const std::vector<CgroupMount>& CgroupMountTable::mounts() {
    if (loaded_) return mounts_;
    loaded_ = true;
    // mountinfo in a busy container can run to hundreds of kilobytes; read it whole.
    std::string text;
    const UniqueFd fd = root_.open_read(mountinfo_path_);
    if (!fd) return mounts_;
    char chunk[16384];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        text.append(chunk, static_cast<std::size_t>(got));
    }
    mounts_ = parse_cgroup_mounts(text);
    return mounts_;
}

LocateResult locate_controller(const Root& root, const CgroupMembership& membership,
                               std::string_view controller, CgroupMountTable& mounts) {
    if (const auto* line = membership.v1_for(controller)) {
        if (auto location = standard_v1(root, *line, controller)) return {std::move(location), {}};
        if (auto location = best_mount(root, mounts.mounts(), line->path, false, controller))
            return {std::move(location), {}};
        return {std::nullopt, "the cgroup v1 " + std::string(controller) + " hierarchy (" +
                                  line->path + ") is not mounted where this process can see it"};
    }
    if (!membership.unified)
        return {std::nullopt, "no cgroup v1 " + std::string(controller) +
                                  " hierarchy and no cgroup v2 membership"};
    if (auto location = standard_v2(root, *membership.unified, controller))
        return {std::move(location), {}};
    if (auto location = best_mount(root, mounts.mounts(), *membership.unified, true, controller))
        return {std::move(location), {}};
    return {std::nullopt, "the " + std::string(controller) +
                              " controller is not enabled on any mounted cgroup hierarchy"};
}

}  // namespace spawngate
