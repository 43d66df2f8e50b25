#include "cgroup_locate.hpp"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <array>

#include "file_read.hpp"
#include "hot_path.hpp"
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
    location.identity_device = info.st_dev;
    location.identity_inode = info.st_ino;
    return true;
}

// True when `location`'s directory holds `limit_file` on a filesystem with `magic`: the file
// exists only in a hierarchy of that controller, so this one open both proves the location and
// reads the caller level's limit. fstatfs and fstat on the open file cost no path walk.
SPAWNGATE_HOT_PATH bool limit_file_opens(const Root& root, CgroupLocation& location,
                                         std::string_view limit_file, long magic) {
    if (limit_file.empty() || location.path == "/") return false;  // the root has no limits
    std::string file = location.directory();
    file.append(1, '/').append(limit_file);
    const UniqueFd fd = root.open_read(file);
    if (!fd) return false;
    struct statfs filesystem {};
    struct stat info {};
    if (::fstatfs(fd.get(), &filesystem) != 0 || static_cast<long>(filesystem.f_type) != magic ||
        ::fstat(fd.get(), &info) != 0)
        return false;
    char text[64];
    const ssize_t got = ::read(fd.get(), text, sizeof text);
    if (got <= 0) return false;  // let the budget reader meet the failure and report it
    location.leaf_limit_text.assign(text, static_cast<std::size_t>(got));
    location.identity_device = info.st_dev;
    location.identity_inode = info.st_ino;
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

SPAWNGATE_HOT_PATH std::optional<CgroupLocation> standard_v1(const Root& root,
                                                             const CgroupMembership::V1Line& line,
                                                             std::string_view controller,
                                                             std::string_view limit_file) {
    if (!root.is_system_root()) return std::nullopt;
    const std::array<std::string_view, 2> names{line.controllers, controller};
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string_view name = names[i];
        if (i > 0 && name == names[0]) break;  // "pids" is usually both
        const std::string mount_point = std::string(kCgroupFsRoot) + "/" + std::string(name);
        CgroupLocation location{false, mount_point, line.path};
        if (limit_file_opens(root, location, limit_file, CGROUP_SUPER_MAGIC)) return location;
        if (!has_magic(mount_point.c_str(), CGROUP_SUPER_MAGIC)) continue;
        // Without a cgroup namespace a container can see a host path that its mount does not
        // show; then only mountinfo knows the mount's root.
        if (directory_exists(root, location)) return location;
    }
    return std::nullopt;
}

SPAWNGATE_HOT_PATH std::optional<CgroupLocation> standard_v2(const Root& root,
                                                             const std::string& path,
                                                             std::string_view controller,
                                                             std::string_view limit_file) {
    if (!root.is_system_root()) return std::nullopt;
    for (const std::string_view mount_point :
         {kCgroupFsRoot, std::string_view("/sys/fs/cgroup/unified")}) {
        const std::string point(mount_point);
        CgroupLocation probed{true, point, path};
        // A limit file at the caller's level also proves its parent enabled the controller.
        if (limit_file_opens(root, probed, limit_file, CGROUP2_SUPER_MAGIC)) return probed;
        if (!has_magic(point.c_str(), CGROUP2_SUPER_MAGIC)) continue;
        if (!unified_offers(root, point, controller)) return std::nullopt;
        CgroupLocation location{true, point, path};
        if (directory_exists(root, location)) return location;
    }
    return std::nullopt;
}

}  // namespace

SPAWNGATE_HOT_PATH std::string CgroupLocation::directory_of(std::string_view cgroup_path) const {
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

SPAWNGATE_HOT_PATH LocateResult locate_controller(const Root& root,
                                                  const CgroupMembership& membership,
                                                  std::string_view controller,
                                                  CgroupMountTable& mounts,
                                                  std::string_view limit_file) {
    if (const auto* line = membership.v1_for(controller)) {
        if (auto location = standard_v1(root, *line, controller, limit_file))
            return {std::move(location), {}};
        if (auto location = best_mount(root, mounts.mounts(), line->path, false, controller))
            return {std::move(location), {}};
        return {std::nullopt, "the cgroup v1 " + std::string(controller) + " hierarchy (" +
                                  line->path + ") is not mounted where this process can see it"};
    }
    if (!membership.unified)
        return {std::nullopt, "no cgroup v1 " + std::string(controller) +
                                  " hierarchy and no cgroup v2 membership"};
    if (auto location = standard_v2(root, *membership.unified, controller, limit_file))
        return {std::move(location), {}};
    if (auto location = best_mount(root, mounts.mounts(), *membership.unified, true, controller))
        return {std::move(location), {}};
    return {std::nullopt, "the " + std::string(controller) +
                              " controller is not enabled on any mounted cgroup hierarchy"};
}

}  // namespace spawngate
