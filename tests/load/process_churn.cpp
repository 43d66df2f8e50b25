#include "process_churn.hpp"

#include <sys/wait.h>

#include <random>

namespace spawngate::load {
namespace {

constexpr auto kTick = std::chrono::milliseconds(2);
constexpr const char* kVictimHoldMs = "600000";  // only the reaper (or the test's end) ends it

}  // namespace

ProcessChurn::ProcessChurn(ChurnOptions options) : options_(std::move(options)) {
    thread_ = std::thread([this] { run(); });
}

void ProcessChurn::run() {
    std::minstd_rand random(12345);
    std::vector<EndedChild> ended;
    auto next_victim = std::chrono::steady_clock::now();
    std::size_t short_lived_running = 0;
    while (!stopping_.load()) {
        ended.clear();
        children_.reap_exited(ended);
        for (const auto& child : ended) {
            if (child.tag == kVictimTag) {
                report_.victims.push_back(child);
                continue;
            }
            --short_lived_running;
            if (!WIFEXITED(child.status) || WEXITSTATUS(child.status) != 0)
                ++report_.short_lived_unclean;
        }
        while (short_lived_running < options_.short_lived_at_once) {
            const std::string tasks = std::to_string(1 + random() % 3);
            const std::string hold_ms = std::to_string(5 + random() % 36);
            if (children_.spawn(options_.holder_path,
                                {"load-churn", options_.procs_file, tasks, hold_ms},
                                kShortLivedTag) < 0) {
                ++report_.spawn_failures;
                break;
            }
            ++short_lived_running;
            ++report_.short_lived_started;
        }
        if (std::chrono::steady_clock::now() >= next_victim) {
            next_victim += options_.victim_every;
            // Each victim's command line is its own: the reaper treats one command line reaped
            // again and again as a respawn loop and stops reaping it (escalation).
            const std::string argv0 =
                options_.victim_argv0 + "-" + std::to_string(report_.victims_started++);
            if (children_.spawn(options_.holder_path,
                                {argv0, options_.procs_file, "1", kVictimHoldMs}, kVictimTag) < 0)
                ++report_.spawn_failures;
        }
        std::this_thread::sleep_for(kTick);
    }
}

ChurnReport ProcessChurn::stop() {
    if (thread_.joinable()) {
        stopping_.store(true);
        thread_.join();
        // Whatever still runs is killed here: a victim the reaper has not ended shows SIGKILL,
        // never the reaper's SIGTERM; a short-lived one cut short is not counted as unclean.
        std::vector<EndedChild> ended;
        children_.kill_and_reap_all(&ended);
        for (const auto& child : ended)
            if (child.tag == kVictimTag) report_.victims.push_back(child);
    }
    return report_;
}

}  // namespace spawngate::load
