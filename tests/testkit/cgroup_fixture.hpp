#pragma once
// Builders for the cgroup layouts the readers must understand, written into a FixtureTree:
// /proc/self/cgroup, /proc/self/mountinfo and the cgroupfs files of each level. Fixture roots are
// never "/", so the readers always go through mountinfo, as they do on unusual hosts.

#include <string>
#include <string_view>

#include "fixture_tree.hpp"

namespace spawngate::testkit {

// One mountinfo line for a cgroup2 mount at `mount_point` showing the cgroup `cgroup_root`.
std::string cgroup2_mount_line(std::string_view mount_point, std::string_view cgroup_root = "/");
// One mountinfo line for a cgroup v1 hierarchy carrying `controllers` ("pids", "cpu,cpuacct").
std::string cgroup1_mount_line(std::string_view mount_point, std::string_view controllers,
                               std::string_view cgroup_root = "/");
// The lines every real mountinfo has around the cgroup ones: /, /proc, /sys, a tmpfs.
std::string ordinary_mount_lines();

// A pure cgroup v2 host: the caller is in `cgroup` ("0::/cgroup"), cgroup2 at /sys/fs/cgroup
// offering `controllers` at its root.
void lay_out_v2(const FixtureTree& tree, std::string_view cgroup,
                std::string_view controllers = "cpuset cpu io memory pids");
// A cgroup v1 host: pids at /sys/fs/cgroup/pids and memory at /sys/fs/cgroup/memory, the caller
// in `cgroup` on both.
void lay_out_v1(const FixtureTree& tree, std::string_view cgroup);

// Writes pids.max and pids.current (each with the kernel's trailing newline) in `directory`.
void write_pids(const FixtureTree& tree, std::string_view directory, std::string_view max,
                std::string_view current);
// Writes `processes` pids into cgroup.procs and `threads` into the thread list (cgroup.threads
// on v2, tasks on v1).
void write_tasks(const FixtureTree& tree, std::string_view directory, unsigned processes,
                 unsigned threads, bool unified);
// The host-wide files used when no cgroup level has a pids limit.
void write_host_limits(const FixtureTree& tree, unsigned tasks, unsigned pid_max,
                       unsigned threads_max);

}  // namespace spawngate::testkit
