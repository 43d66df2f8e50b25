#include "cgroup_fixture.hpp"

namespace spawngate::testkit {

std::string cgroup2_mount_line(std::string_view mount_point, std::string_view cgroup_root) {
    return "30 24 0:26 " + std::string(cgroup_root) + " " + std::string(mount_point) +
           " rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
           "rw,nsdelegate,memory_recursiveprot\n";
}

std::string cgroup1_mount_line(std::string_view mount_point, std::string_view controllers,
                               std::string_view cgroup_root) {
    return "35 30 0:31 " + std::string(cgroup_root) + " " + std::string(mount_point) +
           " rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw," +
           std::string(controllers) + "\n";
}

std::string ordinary_mount_lines() {
    return "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
           "23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
           "24 22 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
           "25 22 0:23 / /run rw,nosuid,nodev shared:14 - tmpfs tmpfs rw,size=1024k,mode=755\n";
}

void lay_out_v2(const FixtureTree& tree, std::string_view cgroup, std::string_view controllers) {
    tree.write("/proc/self/cgroup", "0::" + std::string(cgroup) + "\n");
    tree.write("/proc/self/mountinfo",
               ordinary_mount_lines() + cgroup2_mount_line("/sys/fs/cgroup"));
    tree.write("/sys/fs/cgroup/cgroup.controllers", std::string(controllers) + "\n");
    tree.make_directory("/sys/fs/cgroup" + std::string(cgroup == "/" ? "" : cgroup));
}

void lay_out_v1(const FixtureTree& tree, std::string_view cgroup) {
    const std::string path(cgroup);
    tree.write("/proc/self/cgroup", "12:pids:" + path + "\n5:memory:" + path + "\n3:cpu,cpuacct:" +
                                        path + "\n1:name=systemd:" + path + "\n");
    tree.write("/proc/self/mountinfo",
               ordinary_mount_lines() +
                   "26 24 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs "
                   "ro,mode=755\n" +
                   cgroup1_mount_line("/sys/fs/cgroup/systemd", "xattr,name=systemd") +
                   cgroup1_mount_line("/sys/fs/cgroup/cpu,cpuacct", "cpu,cpuacct") +
                   cgroup1_mount_line("/sys/fs/cgroup/memory", "memory") +
                   cgroup1_mount_line("/sys/fs/cgroup/pids", "pids"));
    const std::string suffix = cgroup == "/" ? "" : path;
    tree.make_directory("/sys/fs/cgroup/pids" + suffix);
    tree.make_directory("/sys/fs/cgroup/memory" + suffix);
}

void write_pids(const FixtureTree& tree, std::string_view directory, std::string_view max,
                std::string_view current) {
    tree.write(std::string(directory) + "/pids.max", std::string(max) + "\n");
    tree.write(std::string(directory) + "/pids.current", std::string(current) + "\n");
}

void write_tasks(const FixtureTree& tree, std::string_view directory, unsigned processes,
                 unsigned threads, bool unified) {
    std::string procs;
    for (unsigned i = 0; i < processes; ++i) procs += std::to_string(1000 + i) + "\n";
    std::string tids;
    for (unsigned i = 0; i < threads; ++i) tids += std::to_string(1000 + i) + "\n";
    tree.write(std::string(directory) + "/cgroup.procs", procs);
    tree.write(std::string(directory) + (unified ? "/cgroup.threads" : "/tasks"), tids);
}

void write_host_limits(const FixtureTree& tree, unsigned tasks, unsigned pid_max,
                       unsigned threads_max) {
    tree.write("/proc/loadavg", "0.31 0.08 0.03 2/" + std::to_string(tasks) + " 1975\n");
    tree.write("/proc/sys/kernel/pid_max", std::to_string(pid_max) + "\n");
    tree.write("/proc/sys/kernel/threads-max", std::to_string(threads_max) + "\n");
}

}  // namespace spawngate::testkit
