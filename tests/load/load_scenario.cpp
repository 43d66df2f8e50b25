#include "load_scenario.hpp"

#include <unistd.h>

#include <filesystem>
#include <thread>

namespace spawngate::load {

std::unique_ptr<LoadScenario> LoadScenario::create(const ScenarioExecutables& executables,
                                                   std::int64_t pids_max, std::string& error) {
    if (const std::string why = integration::pids_cgroups_unavailable(); !why.empty()) {
        error = "needs a writable pids cgroup hierarchy: " + why;
        return nullptr;
    }
    integration::CgroupCreation created = integration::create_pids_cgroup(
        integration::unique_cgroup_name("spawngate-load"), pids_max);
    if (!created.cgroup) {
        error = "cannot create a pids cgroup here: " + created.error;
        return nullptr;
    }
    std::unique_ptr<LoadScenario> scenario(
        new LoadScenario(executables, std::move(created.cgroup)));
    if (scenario->directory().empty()) {
        error = "cannot create a private directory in /tmp";
        return nullptr;
    }
    if (!scenario->dir_.write("spawngate.toml", "")) {
        error = "cannot write an empty gate config in " + scenario->directory();
        return nullptr;
    }
    return scenario;
}

LoadScenario::LoadScenario(ScenarioExecutables executables,
                           std::unique_ptr<integration::ScopedPidsCgroup> cgroup)
    : executables_(std::move(executables)), cgroup_(std::move(cgroup)) {
    // A token no process outside this scenario carries in its command line.
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    victim_argv0_ = "loadvictim-" + std::to_string(::getpid()) + "x" + std::to_string(now.tv_nsec);
}

std::string LoadScenario::ledger_path() const {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(state_dir(), error)) {
        const std::string name = entry.path().filename().string();
        // Not the lock file, not a writer's temporary (".ledger-...tmp...").
        if (name.starts_with("ledger-") && !name.ends_with(".lock")) return entry.path().string();
    }
    return {};
}

std::vector<std::string> LoadScenario::gate_arguments(std::uint64_t reservation_ttl_s) const {
    return {"--json",
            "--config",
            dir_.file("spawngate.toml"),
            "--state-dir",
            state_dir(),
            "--reservation-ttl",
            std::to_string(reservation_ttl_s),
            "--reaper-heartbeat",
            dir_.file("run/reaper.heartbeat")};
}

std::string LoadScenario::start_background(std::chrono::milliseconds victim_every,
                                           std::chrono::milliseconds reaper_pause) {
    if (churn_) return "the background is already running";
    if (!reaper_)
        reaper_ = std::make_unique<ReaperCycler>(ReaperCyclerOptions{
            executables_.reaper, directory(), victim_argv0_, cgroup_->path(), reaper_pause});
    if (!reaper_->error().empty()) return reaper_->error();
    reaper_->start();
    ChurnOptions churn;
    churn.holder_path = executables_.holder;
    churn.procs_file = cgroup_->procs_file();
    churn.victim_argv0 = victim_argv0_;
    churn.victim_every = victim_every;
    churn_ = std::make_unique<ProcessChurn>(churn);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!std::filesystem::exists(reaper_->heartbeat_path())) {
        if (std::chrono::steady_clock::now() >= deadline)
            return "the reaper wrote no heartbeat within 30 s (see " + reaper_->stderr_path() + ")";
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return {};
}

BackgroundReport LoadScenario::stop_background() {
    BackgroundReport report;
    // The reaper first: a victim killed by the churn's stop must not be mistaken for its work.
    if (reaper_) report.reaper = reaper_->stop();
    if (churn_) report.churn = churn_->stop();
    churn_.reset();
    // The reaper object stays, to cycle again on the next start with the same log and state.
    return report;
}

}  // namespace spawngate::load
