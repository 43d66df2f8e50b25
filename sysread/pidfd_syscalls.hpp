#pragma once
// The pidfd system call numbers (x86-64 and most others: pidfd_send_signal 424, Linux 5.1;
// pidfd_open 434, Linux 5.3), for C libraries whose <sys/syscall.h> predates them.

#include <sys/syscall.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
