// load_task_holder PROCS_FILE TASKS HOLD_MS: a launched workload for the load test and bench. It
// joins the pids cgroup whose cgroup.procs is PROCS_FILE (so every task it creates is charged
// there), grows to TASKS tasks (itself and TASKS - 1 threads: pids.current counts threads), holds
// them for HOLD_MS milliseconds and exits. It is exec'd with posix_spawn, never forked without an
// exec, so no descriptor of the multi-threaded parent lingers in it.
//
// Exit status: 0 when every task was created; 1..100 the number of threads the kernel refused
// (EAGAIN at pids.max); 120 when it could not join the cgroup; 121 for bad arguments.

#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace {

void* hold_forever(void*) {
    for (;;) ::pause();
    return nullptr;
}

bool parse_count(const char* text, long& value) {
    char* end = nullptr;
    errno = 0;
    value = std::strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && value >= 0;
}

bool join_cgroup(const char* procs_file) {
    const int fd = ::open(procs_file, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool joined = ::write(fd, "0", 1) == 1;
    ::close(fd);
    return joined;
}

}  // namespace

int main(int argc, char** argv) {
    long tasks = 0, hold_ms = 0;
    if (argc != 4 || !parse_count(argv[2], tasks) || !parse_count(argv[3], hold_ms) || tasks < 1 ||
        tasks > 1000)
        return 121;
    if (!join_cgroup(argv[1])) return 120;
    pthread_attr_t attributes;
    ::pthread_attr_init(&attributes);
    ::pthread_attr_setstacksize(&attributes, 64 * 1024);
    ::pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int refused = 0;
    for (long started = 1; started < tasks; ++started) {
        pthread_t thread;
        if (::pthread_create(&thread, &attributes, hold_forever, nullptr) != 0) ++refused;
    }
    const timespec hold{static_cast<time_t>(hold_ms / 1000), (hold_ms % 1000) * 1'000'000};
    timespec left = hold;
    while (::nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    // _exit: the holding threads never return, and exit handlers have nothing to do here.
    ::_exit(refused > 100 ? 100 : refused);
}
