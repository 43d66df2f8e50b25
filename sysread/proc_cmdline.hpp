#pragma once
// /proc/PID/cmdline and /proc/PID/exe (proc(5)).
//
// cmdline is argv as NUL-separated strings. A process may rewrite it (setproctitle, or a deploy
// tool that renames itself), so it is what the process says it is; the reaper matches it but
// never trusts it for identity. Kernel threads and zombies have an empty cmdline.

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "proc_read_failure.hpp"
#include "root.hpp"

namespace spawngate {

// argv joined by single spaces; a trailing NUL is dropped and embedded newlines are kept.
std::string join_cmdline(std::string_view raw);

// The raw cmdline of PID (argv as NUL-terminated strings), at most `max_bytes` of it: the last
// word may be cut short. nullopt when the process is gone or the file unreadable.
std::optional<std::string> read_proc_argv(const Root& root, pid_t pid,
                                          std::size_t max_bytes = 32768,
                                          ProcReadError* failure = nullptr);

// The joined command line of PID, at most `max_bytes` of it; nullopt when the process is gone or
// the file unreadable, and then `failure` says which. An empty string is a real answer (kernel
// thread, zombie).
std::optional<std::string> read_proc_cmdline(const Root& root, pid_t pid,
                                             std::size_t max_bytes = 32768,
                                             ProcReadError* failure = nullptr);

// The target of /proc/PID/exe; nullopt when unreadable (kernel threads have none, and another
// user's process is EACCES unless we are root). " (deleted)" stays when the binary was replaced.
std::optional<std::string> read_proc_exe(const Root& root, pid_t pid,
                                         ProcReadError* failure = nullptr);

}  // namespace spawngate
