#include "reserving_callers.hpp"

#include <sys/wait.h>

#include <random>

#include "gate_runner.hpp"
#include "spawned_children.hpp"

namespace spawngate::load {
ReservingCallers::ReservingCallers(const integration::ScopedPidsCgroup& cgroup,
                                   CallerOptions options)
    : cgroup_(cgroup), options_(std::move(options)) {
    deadline_ = std::chrono::steady_clock::now() + options_.deadline;
    for (std::size_t caller = 0; caller < options_.callers; ++caller)
        threads_.emplace_back([this, caller] { run(caller); });
}

bool ReservingCallers::claim_call() {
    if (stopping_.load()) return false;
    if (options_.deadline.count() > 0 && std::chrono::steady_clock::now() >= deadline_) {
        const std::lock_guard lock(mutex_);
        report_.deadline_hit = true;
        return false;
    }
    return options_.total_calls == 0 || claimed_.fetch_add(1) < options_.total_calls;
}

void ReservingCallers::run(std::size_t caller) {
    std::minstd_rand random(static_cast<unsigned>(1000 + caller));
    const std::uint64_t cost = options_.costs[caller % options_.costs.size()];
    std::vector<std::string> arguments = options_.gate_arguments;
    arguments.insert(arguments.end(), {"--cost", std::to_string(cost)});
    SpawnedChildren workloads;
    std::vector<EndedChild> ended;
    CallerReport mine;
    const auto count_ended = [&] {
        for (const auto& workload : ended)
            if (!WIFEXITED(workload.status) || WEXITSTATUS(workload.status) != 0)
                ++mine.launch_failures;
        ended.clear();
    };
    while (claim_call()) {
        GateCall call;
        call.cost = cost;
        call.started_ms = now_ms();
        const auto start = std::chrono::steady_clock::now();
        integration::GateRun run = integration::run_gate_in(cgroup_, options_.gate_path, arguments);
        call.elapsed_us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        call.ended_ms = now_ms();
        call.exit_code = run.exit_code;
        call.failure = std::move(run.failure);
        call.stdout_text = std::move(run.stdout_text);
        call.stderr_text = std::move(run.stderr_text);
        ++mine.calls_made;
        if (call.exit_code == 0 && call.failure.empty()) {
            ++mine.admitted;
            const unsigned span = options_.hold_ms_max - options_.hold_ms_min + 1;
            const std::string hold_ms =
                std::to_string(options_.hold_ms_min + static_cast<unsigned>(random()) % span);
            if (workloads.spawn(options_.holder_path, {"load-agent", cgroup_.procs_file(),
                                                       std::to_string(cost), hold_ms}) < 0) {
                ++mine.launch_failures;
            } else {
                ++mine.launches;
            }
        } else if (call.exit_code == 2 && call.failure.empty()) {
            ++mine.blocked;
        } else {
            ++mine.other;
        }
        if (options_.keep_calls) mine.calls.push_back(std::move(call));
        workloads.reap_exited(ended);
        count_ended();
    }
    // Workloads still holding their tasks are ended here: the phase is over, and waiting out
    // their hold would only stretch the test.
    workloads.reap_exited(ended);
    count_ended();
    workloads.kill_and_reap_all(nullptr);

    const std::lock_guard lock(mutex_);
    report_.calls_made += mine.calls_made;
    report_.admitted += mine.admitted;
    report_.blocked += mine.blocked;
    report_.other += mine.other;
    report_.launches += mine.launches;
    report_.launch_failures += mine.launch_failures;
    for (auto& call : mine.calls) report_.calls.push_back(std::move(call));
}

CallerReport ReservingCallers::wait() {
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
    const std::lock_guard lock(mutex_);
    return report_;
}

}  // namespace spawngate::load
