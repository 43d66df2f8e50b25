#pragma once
// A kernel without pidfds, simulated: a seccomp filter, installed in a child just before it execs
// the reaper, makes pidfd_open and pidfd_send_signal fail with `error` (ENOSYS as on Linux before
// 5.3, or EPERM as under container seccomp profiles older than those syscalls). Everything else
// is allowed. Raw prctl(PR_SET_SECCOMP) with a five-instruction BPF program: no libseccomp.

namespace spawngate::faults {

// Installs the filter on the calling thread (and what it execs); false when the kernel refuses.
// Async-signal-safe: meant for a forked child.
bool install_pidfd_filter(int error);

}  // namespace spawngate::faults
