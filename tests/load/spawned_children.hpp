#pragma once
// Children one thread of the load scenario starts with posix_spawn and reaps itself: waitpid on
// each of its own pids, never waitpid(-1), because every thread of the scenario has children of
// its own. posix_spawn execs at once, so no descriptor of the multi-threaded parent (another
// thread's gate pipes) stays open in a long-lived child. The destructor kills and reaps whatever
// is left, also when a test fails half-way.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace spawngate::load {

// One child that has ended and been reaped.
struct EndedChild {
    pid_t pid = -1;
    int status = 0;                // the wait status
    int tag = 0;                   // what the spawner said it was
    std::uint64_t started_ms = 0;  // CLOCK_BOOTTIME, like the gate's ledger
    std::uint64_t ended_ms = 0;
};

class SpawnedChildren {
  public:
    SpawnedChildren() = default;
    ~SpawnedChildren() { kill_and_reap_all(nullptr); }
    SpawnedChildren(const SpawnedChildren&) = delete;
    SpawnedChildren& operator=(const SpawnedChildren&) = delete;

    // Starts `executable` with `argv` (argv[0] is free: it is what `ps` and the reaper see),
    // stdin and stdout on /dev/null and stderr to `stderr_path` (appended). -1 when posix_spawn
    // failed.
    pid_t spawn(const std::string& executable, const std::vector<std::string>& argv, int tag = 0,
                const std::string& stderr_path = "/dev/null");

    // Reaps every child that has exited, without waiting.
    void reap_exited(std::vector<EndedChild>& ended);

    // Waits up to `patience` for every child to exit by itself; then SIGKILLs and reaps the rest.
    void wait_all(std::chrono::milliseconds patience, std::vector<EndedChild>& ended);

    // SIGKILLs and reaps every child still running (its pid is still ours: it cannot have been
    // recycled before we reap it).
    void kill_and_reap_all(std::vector<EndedChild>* ended);

    std::size_t running() const { return running_.size(); }

  private:
    struct Running {
        pid_t pid;
        int tag;
        std::uint64_t started_ms;
    };
    std::vector<Running> running_;
};

// CLOCK_BOOTTIME in milliseconds, the clock the gate stamps reservations with.
std::uint64_t now_ms();

}  // namespace spawngate::load
