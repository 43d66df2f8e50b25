#pragma once
// The load scenario shared by the load test and the load bench: a test pids cgroup with a
// limit, a private directory (mode 0700) for the gate's ledger and config and the reaper's
// files, and the background that runs while the gate is called: processes that come and go
// (ProcessChurn) and the reaper cycling with a rule for the churn's marked victims
// (ReaperCycler). Nothing here touches /run/spawngate, /var/log/spawngate or /etc/spawngate:
// every path the gate and the reaper use is passed explicitly. GoogleTest-free, so the bench
// compiles it too.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "process_churn.hpp"
#include "reaper_cycler.hpp"
#include "scoped_pids_cgroup.hpp"
#include "scoped_temp_dir.hpp"

namespace spawngate::load {

struct ScenarioExecutables {
    std::string gate;    // the built spawngate
    std::string reaper;  // the built spawnreaper
    std::string holder;  // load_task_holder
};

struct BackgroundReport {
    ChurnReport churn;
    ReaperReport reaper;
};

class LoadScenario {
  public:
    // Creates the cgroup ("/spawngate-load-<pid>-<n>", pids.max = `pids_max`) and the private
    // directory. Null, with `error` set (phrased for a skip or a failure), when it cannot.
    static std::unique_ptr<LoadScenario> create(const ScenarioExecutables& executables,
                                                std::int64_t pids_max, std::string& error);
    ~LoadScenario() { stop_background(); }
    LoadScenario(const LoadScenario&) = delete;
    LoadScenario& operator=(const LoadScenario&) = delete;

    const integration::ScopedPidsCgroup& cgroup() const { return *cgroup_; }
    const ScenarioExecutables& executables() const { return executables_; }
    const std::string& directory() const { return dir_.path(); }
    std::string state_dir() const { return dir_.file("ledger"); }
    // The gate's ledger for the test cgroup, once a launch has recorded one; empty before. The
    // gate names it for the cgroup's identity ("ledger-<dev>-<ino>", reservation_store.hpp);
    // the private state directory holds this one cgroup's, so it is found by listing, without
    // depending on which file's identity the gate uses.
    std::string ledger_path() const;

    // The gate's private settings: an empty config (so /etc/spawngate cannot move the
    // thresholds), the private ledger directory and TTL, the reaper's heartbeat in the private
    // directory, --json. `--reserve` and `--cost` are the caller's.
    std::vector<std::string> gate_arguments(std::uint64_t reservation_ttl_s) const;

    // Starts the churn and the reaper's cycles, and waits for the first cycle's heartbeat (so
    // the gate never sees a missing one). Empty on success, else what failed.
    std::string start_background(std::chrono::milliseconds victim_every,
                                 std::chrono::milliseconds reaper_pause);
    // Stops both (victims the reaper has not ended are killed and reaped); each report counts
    // since the last start. start_background() may run again afterwards.
    BackgroundReport stop_background();

    const ReaperCycler* reaper() const { return reaper_.get(); }
    // The command-line mark of the victims: "loadvictim-<token>" (each adds "-<n>").
    const std::string& victim_argv0() const { return victim_argv0_; }

  private:
    LoadScenario(ScenarioExecutables executables, std::unique_ptr<integration::ScopedPidsCgroup>);

    ScenarioExecutables executables_;
    std::unique_ptr<integration::ScopedPidsCgroup> cgroup_;  // destroyed last
    integration::ScopedTempDir dir_{"spawngate-load"};
    std::string victim_argv0_;
    std::unique_ptr<ReaperCycler> reaper_;
    std::unique_ptr<ProcessChurn> churn_;
};

}  // namespace spawngate::load
