// One reap cycle against real processes, and `pgrep -f PATTERN` over the same processes in the
// same run, so the ratio the issue asks for (a cycle at most 1/5 of pgrep -f) is visible:
//
//   build-reaper/bench/reaper_cycle_bench --benchmark_min_time=1
//
// For each N in {100, 1000, 5000} the bench keeps N sleeping children (argv[0] renamed to a random
// marker, killed and reaped on exit), then measures:
//   cycle_default_rules/N   the shipped rules, --dry-run, no log: what runs every two minutes
//   cycle_default_rules_all_old/N   the same rules with every age limit at 0s
//   cycle_every_cmdline/N   a rule whose cmdline pattern forces a cmdline read for every process
//   pgrep_f/N               posix_spawn("pgrep -f MARKER") to exit
// The default rules are a fair measure: stat is read for every process, and the details only for
// the candidates, which is the design. cycle_every_cmdline shows the cost when nothing filters.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "default_config.hpp"
#include "reap_cycle.hpp"

extern char** environ;

namespace spawngate {
namespace {

// Sleeping children with a marker in argv; resized between benchmark groups, all killed at exit.
class SleeperPool {
  public:
    explicit SleeperPool(std::string marker) : marker_(std::move(marker)) {}
    ~SleeperPool() { resize(0); }

    bool resize(std::size_t count) {
        while (pids_.size() > count) {
            ::kill(pids_.back(), SIGKILL);  // our own unreaped child: the pid cannot be reused
            ::waitpid(pids_.back(), nullptr, 0);
            pids_.pop_back();
        }
        std::string argv0 = marker_, seconds = "3600";
        char* argv[] = {argv0.data(), seconds.data(), nullptr};
        while (pids_.size() < count) {
            pid_t pid = 0;
            if (::posix_spawn(&pid, "/bin/sleep", nullptr, nullptr, argv, environ) != 0)
                return false;
            pids_.push_back(pid);
        }
        return true;
    }
    const std::string& marker() const { return marker_; }

  private:
    std::string marker_;
    std::vector<pid_t> pids_;
};

SleeperPool* pool = nullptr;

CycleOptions dry_run_options() {
    CycleOptions options;
    options.dry_run = true;
    options.log_path.clear();
    options.state_path.clear();
    options.summary_to_stderr = false;
    return options;
}

void run_cycles(benchmark::State& state, const ReaperConfig& config, std::size_t sleepers) {
    if (!pool->resize(sleepers)) {
        state.SkipWithError("cannot spawn the sleepers");
        return;
    }
    const CycleOptions options = dry_run_options();
    std::size_t scanned = 0;
    for (auto _ : state) {
        const CycleReport report = run_reap_cycle(config, options);
        scanned = report.processes_scanned;
        benchmark::DoNotOptimize(report.would_reap);
    }
    state.counters["processes"] = static_cast<double>(scanned);
}

void cycle_default_rules(benchmark::State& state, std::size_t sleepers) {
    static const ReaperConfig config =
        *parse_reaper_config(kDefaultReaperConfig, "defaults").config;
    run_cycles(state, config, sleepers);
}

// The shipped rules with every age limit at 0: as if every process were old enough to be a
// candidate (the sleepers here are seconds old, and real machines are mostly old processes).
void cycle_default_rules_all_old(benchmark::State& state, std::size_t sleepers) {
    static const ReaperConfig config = [] {
        std::string text(kDefaultReaperConfig);
        for (std::size_t at = text.find("\nolder_than = \""); at != std::string::npos;
             at = text.find("\nolder_than = \"", at + 1)) {
            const std::size_t end = text.find('\n', at + 1);
            text.replace(at, end - at, "\nolder_than = \"0s\"");
        }
        return *parse_reaper_config(text, "defaults, all ages 0").config;
    }();
    run_cycles(state, config, sleepers);
}

void cycle_every_cmdline(benchmark::State& state, std::size_t sleepers) {
    // Matches nothing, but only the command line can tell: every process's details are read.
    static const ReaperConfig config =
        *parse_reaper_config("[[rule]]\nname = \"x\"\ncmdline = '^no-such-command-xq7 '\n", "bench")
             .config;
    run_cycles(state, config, sleepers);
}

void pgrep_f(benchmark::State& state, std::size_t sleepers) {
    if (!pool->resize(sleepers)) {
        state.SkipWithError("cannot spawn the sleepers");
        return;
    }
    std::string program = "pgrep", flag = "-f", pattern = pool->marker();
    char* argv[] = {program.data(), flag.data(), pattern.data(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    for (auto _ : state) {
        pid_t pid = 0;
        if (::posix_spawn(&pid, "/usr/bin/pgrep", &actions, nullptr, argv, environ) != 0) {
            state.SkipWithError("cannot run /usr/bin/pgrep");
            break;
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            state.SkipWithError("pgrep -f found nothing");
            break;
        }
    }
    posix_spawn_file_actions_destroy(&actions);
}

}  // namespace
}  // namespace spawngate

int main(int argc, char** argv) {
    using namespace spawngate;
    std::random_device random;
    SleeperPool sleepers("spawnreaper-bench-" + std::to_string(random()));
    pool = &sleepers;
    // Grouped by N so each pool size is built once and all three are measured against it.
    for (const std::size_t count : {100, 1000, 5000}) {
        const std::string suffix = "/" + std::to_string(count);
        benchmark::RegisterBenchmark(("cycle_default_rules" + suffix).c_str(), cycle_default_rules,
                                     count)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("cycle_default_rules_all_old" + suffix).c_str(),
                                     cycle_default_rules_all_old, count)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("cycle_every_cmdline" + suffix).c_str(), cycle_every_cmdline,
                                     count)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("pgrep_f" + suffix).c_str(), pgrep_f, count)
            ->Unit(benchmark::kMillisecond);
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
