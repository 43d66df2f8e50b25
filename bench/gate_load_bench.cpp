// The gate's whole-process latency under load (issue 5, "Load"), beside the same gate with no
// load, in the same run: posix_spawn + waitpid of the built static spawngate inside a real pids
// cgroup (pids.max 200), in rounds that alternate a quiet block and a loaded block so both see
// the same machine drift. The load is the load test's scenario (tests/load/): six launcher loops
// running `spawngate --reserve --cost K --json` and launching K tasks on each admission,
// processes of 1-3 tasks coming and going, and the reaper cycling (`spawnreaper --once` back to
// back) with a rule that ends marked victims in the cgroup.
//
// Two gates are timed: a reserving launch (`--reserve --cost 1 --json`: lock, read, decide,
// record), and a plain check (`--json`: the ledger read without the lock). In the quiet blocks
// the reserving gate's ledger is removed before each run (untimed), so each run records into an
// empty ledger instead of piling up reservations nothing absorbs. Reports p50, p90, p99, p99.9
// and max of each, their ratios, and how many of the loaded runs were blocked (a block skips the
// ledger write).
//
// Needs root and a writable pids hierarchy; elsewhere the benchmarks skip with the reason.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "load_scenario.hpp"
#include "process_timing.hpp"
#include "reserving_callers.hpp"

namespace {

using spawngate::bench::percentile_us;
using spawngate::bench::time_one_run;
using namespace spawngate::load;

constexpr std::int64_t kPidsMax = 200;
constexpr std::uint64_t kReservationTtlS = 1;
constexpr int kRounds = 4;
constexpr int kRunsPerBlock = 250;  // 1,000 quiet and 1,000 loaded runs per gate
constexpr auto kLoadWarmUp = std::chrono::milliseconds(300);

// Moves this process into a cgroup (so every posix_spawn'd gate starts there) and, in the
// destructor, back where it was.
class ScopedSelfMove {
  public:
    explicit ScopedSelfMove(const spawngate::integration::ScopedPidsCgroup& into) {
        const std::string original = spawngate::integration::own_pids_cgroup_directory();
        if (original.empty()) {
            error_ = "cannot tell which pids cgroup this process is in";
            return;
        }
        error_ = write_pid(into.procs_file());
        if (error_.empty()) original_procs_file_ = original + "/cgroup.procs";
    }
    ~ScopedSelfMove() {
        if (original_procs_file_.empty()) return;
        if (const std::string error = write_pid(original_procs_file_); !error.empty())
            std::fprintf(stderr, "gate_load_bench: cannot move back: %s\n", error.c_str());
    }
    ScopedSelfMove(const ScopedSelfMove&) = delete;
    ScopedSelfMove& operator=(const ScopedSelfMove&) = delete;
    const std::string& error() const { return error_; }

  private:
    static std::string write_pid(const std::string& procs_file) {
        const int fd = ::open(procs_file.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) return "cannot open " + procs_file + ": " + std::strerror(errno);
        const std::string pid = std::to_string(::getpid());
        const bool wrote = ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
        const int write_errno = errno;
        ::close(fd);
        if (!wrote) return "cannot write to " + procs_file + ": " + std::strerror(write_errno);
        return {};
    }

    std::string original_procs_file_;
    std::string error_;
};

// The background load for one loaded block: churn and reaper, then the launcher loops.
class RunningLoad {
  public:
    RunningLoad(LoadScenario& scenario, std::string& error) : scenario_(scenario) {
        error = scenario.start_background(std::chrono::milliseconds(150),
                                          std::chrono::milliseconds(100));
        if (!error.empty()) return;
        CallerOptions options;
        options.gate_path = scenario.executables().gate;
        options.gate_arguments = scenario.gate_arguments(kReservationTtlS);
        options.gate_arguments.push_back("--reserve");
        options.costs = {1, 2, 5, 10, 25, 3};
        options.callers = 6;
        options.holder_path = scenario.executables().holder;
        options.hold_ms_min = 1200;
        options.hold_ms_max = 2500;
        options.keep_calls = false;
        callers_ = std::make_unique<ReservingCallers>(scenario.cgroup(), options);
        std::this_thread::sleep_for(kLoadWarmUp);
    }
    ~RunningLoad() {
        if (callers_) {
            callers_->stop();
            report_ = callers_->wait();
        }
        background_ = scenario_.stop_background();
    }
    RunningLoad(const RunningLoad&) = delete;
    RunningLoad& operator=(const RunningLoad&) = delete;

  private:
    LoadScenario& scenario_;
    std::unique_ptr<ReservingCallers> callers_;
    CallerReport report_;
    BackgroundReport background_;
};

struct Samples {
    std::vector<double> quiet_us, loaded_us;
    std::uint64_t loaded_blocked = 0, quiet_blocked = 0, failed = 0;
};

bool exited_blocked(int status) {
    return WIFEXITED(status) && WEXITSTATUS(status) == 2;
}
bool exited_cleanly(int status) {
    return WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2);
}

void report(benchmark::State& state, Samples& samples) {
    const char* percentiles[][2] = {
        {"p50", "50"}, {"p90", "90"}, {"p99", "99"}, {"p99.9", "99.9"}, {"max", "100"}};
    for (const auto& [name, p] : percentiles) {
        const double quiet = percentile_us(samples.quiet_us, std::atof(p));
        const double loaded = percentile_us(samples.loaded_us, std::atof(p));
        state.counters[std::string("quiet_") + name + "_us"] = quiet;
        state.counters[std::string("loaded_") + name + "_us"] = loaded;
        state.counters[std::string(name) + "_ratio"] = quiet > 0 ? loaded / quiet : 0;
    }
    state.counters["loaded_blocked_share"] =
        samples.loaded_us.empty() ? 0
                                  : static_cast<double>(samples.loaded_blocked) /
                                        static_cast<double>(samples.loaded_us.size());
    state.counters["runs_each"] = static_cast<double>(samples.quiet_us.size());
}

// Rounds of a quiet block and a loaded block of the gate, reserving or a plain check; a
// reserving gate's ledger is removed before each quiet run.
void quiet_versus_loaded(benchmark::State& state, bool reserve) {
    std::string error;
    const std::unique_ptr<LoadScenario> scenario = LoadScenario::create(
        {SPAWNGATE_GATE_PATH, SPAWNREAPER_PATH, LOAD_TASK_HOLDER_PATH}, kPidsMax, error);
    if (!scenario) {
        state.SkipWithError(error.c_str());
        return;
    }
    const ScopedSelfMove moved(scenario->cgroup());
    if (!moved.error().empty()) {
        state.SkipWithError(moved.error().c_str());
        return;
    }
    std::vector<std::string> argv{SPAWNGATE_GATE_PATH};
    for (const auto& argument : scenario->gate_arguments(kReservationTtlS))
        argv.push_back(argument);
    if (reserve) argv.insert(argv.end(), {"--reserve", "--cost", "1"});

    Samples samples;
    const auto time_run = [&](std::vector<double>& into, std::uint64_t& blocked) {
        int status = 0;
        const auto elapsed = time_one_run(argv, "/dev/null", &status);
        if (elapsed.count() < 0 || !exited_cleanly(status)) {
            ++samples.failed;
            return;
        }
        if (exited_blocked(status)) ++blocked;
        into.push_back(static_cast<double>(elapsed.count()) / 1000.0);
    };
    for (auto _ : state) {
        for (int round = 0; round < kRounds; ++round) {
            for (int run = 0; run < kRunsPerBlock; ++run) {
                if (reserve) {
                    if (const std::string ledger = scenario->ledger_path(); !ledger.empty())
                        ::unlink(ledger.c_str());
                }
                time_run(samples.quiet_us, samples.quiet_blocked);
            }
            const RunningLoad load(*scenario, error);
            if (!error.empty()) {
                state.SkipWithError(error.c_str());
                return;
            }
            for (int run = 0; run < kRunsPerBlock; ++run)
                time_run(samples.loaded_us, samples.loaded_blocked);
        }
    }
    if (samples.failed > 0) {
        state.SkipWithError("a gate run failed to spawn or exited other than 0 or 2");
        return;
    }
    report(state, samples);
    state.counters["quiet_blocked"] = static_cast<double>(samples.quiet_blocked);
}

void BM_ReservingGateQuietVsLoaded(benchmark::State& state) {
    quiet_versus_loaded(state, true);
}
void BM_PlainCheckQuietVsLoaded(benchmark::State& state) {
    quiet_versus_loaded(state, false);
}

}  // namespace

BENCHMARK(BM_ReservingGateQuietVsLoaded)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainCheckQuietVsLoaded)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
