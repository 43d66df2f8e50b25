#include "scoped_pids_cgroup.hpp"

#include <libcgroup.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace spawngate::integration {
namespace {

struct PidsMountPoint {
    std::string directory;  // empty when unavailable
    std::string why_not;
};

PidsMountPoint probe_pids_mount() {
    if (::geteuid() != 0)
        return {{},
                "creating cgroups needs root (running as uid " + std::to_string(::geteuid()) + ")"};
    if (const int rc = cgroup_init(); rc != 0)
        return {{}, std::string("libcgroup's cgroup_init() failed: ") + cgroup_strerror(rc)};
    char* mount_point = nullptr;
    if (const int rc = cgroup_get_subsys_mount_point("pids", &mount_point); rc != 0) {
        return {{},
                std::string("no pids controller is mounted (neither a v1 pids hierarchy nor "
                            "v2 with pids enabled): ") +
                    cgroup_strerror(rc)};
    }
    std::string directory(mount_point);
    std::free(mount_point);
    if (::access(directory.c_str(), W_OK) != 0)
        return {{}, directory + " is not writable: " + std::strerror(errno)};
    return {std::move(directory), {}};
}

const PidsMountPoint& pids_mount() {
    static const PidsMountPoint mount = probe_pids_mount();
    return mount;
}

std::optional<std::uint64_t> read_u64_file(const std::string& file) {
    std::ifstream in(file);
    std::uint64_t value = 0;
    if (!(in >> value)) return std::nullopt;
    return value;
}

std::string read_trimmed(const std::string& file) {
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    return text;
}

std::vector<int> processes_in(const std::string& procs_file) {
    std::ifstream in(procs_file);
    std::vector<int> pids;
    int pid = 0;
    while (in >> pid) pids.push_back(pid);
    return pids;
}

}  // namespace

std::string pids_cgroups_unavailable() {
    return pids_mount().why_not;
}

std::string own_pids_cgroup_directory() {
    const PidsMountPoint& mount = pids_mount();
    if (mount.directory.empty()) return {};
    char* path = nullptr;
    if (cgroup_get_current_controller_path(::getpid(), "pids", &path) != 0 || !path) return {};
    const std::string cgroup_path(path);
    std::free(path);
    return cgroup_path == "/" ? mount.directory : mount.directory + cgroup_path;
}

std::string unique_cgroup_name(std::string_view prefix) {
    static std::atomic<int> counter{0};
    return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

CgroupCreation create_pids_cgroup(const std::string& name, std::optional<std::int64_t> max) {
    const PidsMountPoint& mount = pids_mount();
    if (mount.directory.empty()) return {nullptr, mount.why_not};
    ::cgroup* handle = cgroup_new_cgroup(name.c_str());
    if (!handle) return {nullptr, "cgroup_new_cgroup(" + name + ") failed"};
    cgroup_controller* pids = cgroup_add_controller(handle, "pids");
    if (!pids) {
        cgroup_free(&handle);
        return {nullptr, "cgroup_add_controller(pids) failed for " + name};
    }
    if (max) {
        if (const int rc = cgroup_add_value_int64(pids, "pids.max", *max); rc != 0) {
            cgroup_free(&handle);
            return {nullptr,
                    std::string("cgroup_add_value_int64(pids.max): ") + cgroup_strerror(rc)};
        }
    }
    if (const int rc = cgroup_create_cgroup(handle, 0); rc != 0) {
        cgroup_free(&handle);
        return {nullptr, "cgroup_create_cgroup(" + name + ") under " + mount.directory +
                             " failed: " + cgroup_strerror(rc)};
    }
    std::unique_ptr<ScopedPidsCgroup> created(
        new ScopedPidsCgroup(handle, "/" + name, mount.directory + "/" + name));
    // Trust, but verify: a test that believes in a limit the kernel never got proves nothing.
    const std::string written = read_trimmed(created->directory() + "/pids.max");
    const std::string wanted = max ? std::to_string(*max) : "max";
    if (written != wanted) {
        return {nullptr, created->directory() + "/pids.max reads '" + written +
                             "' after creation, expected '" + wanted + "'"};
    }
    return {std::move(created), {}};
}

ScopedPidsCgroup::ScopedPidsCgroup(::cgroup* handle, std::string path, std::string directory)
    : handle_(handle), path_(std::move(path)), directory_(std::move(directory)) {}

ScopedPidsCgroup::~ScopedPidsCgroup() {
    kill_everything_inside();
    // rmdir can briefly report EBUSY while the last task is still being released.
    int rc = 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
        rc = cgroup_delete_cgroup(handle_, 0);
        if (rc == 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (rc != 0) {
        std::fprintf(stderr, "spawngate test cleanup: could not remove cgroup %s: %s\n",
                     directory_.c_str(), cgroup_strerror(rc));
    }
    cgroup_free(&handle_);
}

std::string ScopedPidsCgroup::attach(int pid) const {
    if (const int rc = cgroup_attach_task_pid(handle_, pid); rc != 0) {
        return "cgroup_attach_task_pid(" + std::to_string(pid) + ") into " + directory_ + ": " +
               cgroup_strerror(rc);
    }
    return {};
}

std::optional<std::uint64_t> ScopedPidsCgroup::pids_current() const {
    return read_u64_file(directory_ + "/pids.current");
}

std::optional<std::uint64_t> ScopedPidsCgroup::wait_for_pids_current(
    std::uint64_t expected, std::chrono::milliseconds patience) const {
    const auto deadline = std::chrono::steady_clock::now() + patience;
    for (;;) {
        const auto current = pids_current();
        if (current == expected || std::chrono::steady_clock::now() >= deadline) return current;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void ScopedPidsCgroup::kill_everything_inside() const {
    // Everything in a cgroup this process created and named is this process's own doing: the
    // sleepers, thread holders and gate runs of a test that may have failed half-way.
    for (int round = 0; round < 1500; ++round) {
        const std::vector<int> inside = processes_in(procs_file());
        if (inside.empty()) return;
        bool self_inside = false;
        for (const int pid : inside) {
            if (pid == ::getpid()) {
                self_inside = true;  // the bench moves itself in: never kill the caller
                continue;
            }
            ::kill(pid, SIGKILL);
            // Reap it when it is ours; any other pid answers ECHILD at once.
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
        if (self_inside) {
            std::fprintf(stderr, "spawngate test cleanup: this process is still in %s\n",
                         directory_.c_str());
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fprintf(stderr, "spawngate test cleanup: processes remain in %s\n", directory_.c_str());
}

}  // namespace spawngate::integration
