// The gate's in-process cost: spawngate::judge_launch(), the whole read and decide path of a
// check (measure, live reservations, decide), with the gate's own measure options, against a real
// two-level pids cgroup (parent and child both with a pids.max; target under 50 us) and against
// this process's original cgroup for comparison. The benchmark process moves itself into the child
// for the duration and back to its original cgroup afterwards.
//
// Beside it, libcgroup's cgroup_init(), which the gate deliberately never calls on this path:
// it parses /proc/mounts and /proc/cgroups on every call, and its first call in a process (what
// a fresh gate would pay) takes most of the gate's 1 ms whole-process budget on its own. The
// TwoLevelStep* benchmarks split the two-level figure into measure()'s parts.
//
// Needs root and a writable pids hierarchy; elsewhere the cgroup benchmarks skip with the
// reason.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "cgroup_locate.hpp"
#include "cgroup_membership.hpp"
#include "file_read.hpp"
#include "gate_run.hpp"
#include "measurement.hpp"
#include "memory_budget.hpp"
#include "pids_budget.hpp"
#include "reservation_ledger.hpp"
#include "reservation_store.hpp"
#include "scoped_pids_cgroup.hpp"
#include "task_counts.hpp"
#include "verdict.hpp"

namespace {

using spawngate::integration::create_pids_cgroup;
using spawngate::integration::own_pids_cgroup_directory;
using spawngate::integration::pids_cgroups_unavailable;
using spawngate::integration::ScopedPidsCgroup;
using spawngate::integration::unique_cgroup_name;

// Empty on success, else why `pid` could not be written to `procs_file`.
std::string move_process(const std::string& procs_file, pid_t pid) {
    const int fd = ::open(procs_file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return "cannot open " + procs_file + ": " + std::strerror(errno);
    const std::string text = std::to_string(pid);
    const bool wrote = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int write_errno = errno;
    ::close(fd);
    if (!wrote) return "cannot write to " + procs_file + ": " + std::strerror(write_errno);
    return {};
}

// Moves this process into a cgroup and, in the destructor, back where it was.
class ScopedSelfMove {
  public:
    explicit ScopedSelfMove(const ScopedPidsCgroup& into) {
        const std::string original = own_pids_cgroup_directory();
        if (original.empty()) {
            error_ = "cannot tell which pids cgroup this process is in";
            return;
        }
        error_ = move_process(into.procs_file(), ::getpid());
        if (error_.empty()) original_procs_file_ = original + "/cgroup.procs";
    }
    ~ScopedSelfMove() {
        if (original_procs_file_.empty()) return;
        if (const std::string error = move_process(original_procs_file_, ::getpid());
            !error.empty())
            std::fprintf(stderr, "gate_inprocess_bench: cannot move back: %s\n", error.c_str());
    }
    ScopedSelfMove(const ScopedSelfMove&) = delete;
    ScopedSelfMove& operator=(const ScopedSelfMove&) = delete;
    const std::string& error() const { return error_; }

  private:
    std::string original_procs_file_;
    std::string error_;
};

int limited_levels(const spawngate::Measurement& measurement) {
    int limited = 0;
    for (const auto& level : measurement.pids_levels)
        if (level.max) ++limited;
    return limited;
}

// The two-level hierarchy: a parent with pids.max 1000 and a child with pids.max 500 (both far
// above this one process, so the limits cost reads, not verdicts), this process in the child.
// Members are destroyed in reverse: the process moves back before the cgroups are removed.
class TwoLevelPidsCgroup {
  public:
    TwoLevelPidsCgroup() {
        if (const std::string why = pids_cgroups_unavailable(); !why.empty()) {
            error_ = "needs a writable pids cgroup hierarchy: " + why;
            return;
        }
        const std::string parent_name = unique_cgroup_name("spawngate-bench");
        parent_ = create_pids_cgroup(parent_name, 1000);
        if (!parent_.cgroup) {
            error_ = "cannot create the parent cgroup: " + parent_.error;
            return;
        }
        child_ = create_pids_cgroup(parent_name + "/gate", 500);
        if (!child_.cgroup) {
            error_ = "cannot create the child cgroup: " + child_.error;
            return;
        }
        moved_.emplace(*child_.cgroup);
        if (!moved_->error().empty()) {
            error_ = "cannot move into the child cgroup: " + moved_->error();
            return;
        }
        // Outside the timing: make sure the gate sees what the benchmark claims to time.
        const int limited = limited_levels(spawngate::measure(spawngate::Root{"/"}, {}));
        if (limited != 2) {
            error_ = "the gate saw " + std::to_string(limited) +
                     " limited pids levels instead of 2; not the hierarchy to time";
        }
    }
    // Empty when the process now runs in the child; else why the benchmark must skip.
    const std::string& error() const { return error_; }

  private:
    spawngate::integration::CgroupCreation parent_;
    spawngate::integration::CgroupCreation child_;
    std::optional<ScopedSelfMove> moved_;
    std::string error_;
};

// Where this process's pids and memory cgroups are, located the way measure() does it.
struct Located {
    std::optional<spawngate::CgroupLocation> pids;
    std::optional<spawngate::CgroupLocation> memory;
};

Located locate_self(const spawngate::Root& root) {
    std::array<char, 4096> buffer;
    const spawngate::ReadResult read = spawngate::read_file(root, "/proc/self/cgroup", buffer);
    if (!read.ok()) return {};
    auto parsed = spawngate::parse_cgroup_membership(read.text);
    if (!parsed.membership) return {};
    spawngate::CgroupMountTable mounts(root);
    // As measure() does: locating opens each controller's limit file at the caller's level, so
    // the level steps below read one file fewer than they otherwise would.
    const char* memory_limit =
        parsed.membership->v1_for("memory") ? "memory.limit_in_bytes" : "memory.max";
    return {
        spawngate::locate_controller(root, *parsed.membership, "pids", mounts, "pids.max").location,
        spawngate::locate_controller(root, *parsed.membership, "memory", mounts, memory_limit)
            .location};
}

// A private state directory for the ledger, removed afterwards.
struct TemporaryStateDir {
    std::string path;
    TemporaryStateDir() {
        // tmpfs, like /run/spawngate in production: a disk-backed /tmp would time the journal.
        char pattern[] = "/dev/shm/spawngate-bench-XXXXXX";
        if (::mkdtemp(pattern)) path = pattern;
    }
    ~TemporaryStateDir() {
        if (!path.empty()) std::system(("rm -rf '" + path + "'").c_str());
    }
};

// The timed loop: exactly what the gate does between parsing its flags and printing.
void measure_and_decide(benchmark::State& state, const spawngate::GateSettings& settings = {},
                        const spawngate::LaunchContext& launch = {}) {
    const spawngate::Measurement probe = spawngate::measure(spawngate::Root{"/"}, {});
    for (auto _ : state) {
        const spawngate::GateOutcome outcome = spawngate::judge_launch(settings, launch);
        benchmark::DoNotOptimize(outcome.verdict.level);
    }
    state.counters["pids_levels"] = static_cast<double>(probe.pids_levels.size());
    state.counters["limited_levels"] = limited_levels(probe);
    state.counters["memory_levels"] = static_cast<double>(probe.memory_levels.size());
    state.counters["host_limits"] = static_cast<double>(probe.host_limits.size());
}

void BM_LibcgroupInitFirstCall(benchmark::State& state) {
    // Registered first and run once: the cost a fresh gate process would pay.
    for (auto _ : state) benchmark::DoNotOptimize(cgroup_init());
}

void BM_LibcgroupInitRepeated(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(cgroup_init());
}

void BM_MeasureAndDecideInTwoLevelPidsCgroup(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    measure_and_decide(state);
}

void BM_MeasureAndDecideInOriginalCgroup(benchmark::State& state) {
    measure_and_decide(state);
}

// With --reserve: read, decide and record under the ledger lock. Before each timed check the
// ledger is reset to five live reservations (a burst in progress), so it never grows without end.
void BM_ReserveInTwoLevelPidsCgroup(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const TemporaryStateDir state_dir;
    spawngate::GateSettings settings;
    settings.state_dir = state_dir.path;
    settings.reserve = true;
    const spawngate::Root root{"/"};
    const spawngate::Measurement probe = spawngate::measure(root, {});
    const auto name = spawngate::ledger_name(root, probe.pids_location);
    if (!name) return state.SkipWithError("cannot identify the cgroup for the ledger");
    for (auto _ : state) {
        state.PauseTiming();
        {
            const auto lock = spawngate::LedgerLock::acquire(state_dir.path, *name, 500);
            spawngate::Ledger ledger;
            const std::uint64_t now = spawngate::boottime_ms();
            for (int i = 0; i < 5; ++i) ledger.reservations.push_back({now, now + 60'000, 0, 0});
            lock.write(ledger);
        }
        state.ResumeTiming();
        const spawngate::GateOutcome outcome = spawngate::judge_launch(settings);
        benchmark::DoNotOptimize(outcome.recorded);
    }
}

// A Claude Code subagent launch: the check plus the context budget from a 4 MiB transcript whose
// last line carries the usage (only the 64 KiB tail is read).
void BM_HookLaunchWithContextBudget(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const TemporaryStateDir state_dir;
    const std::string transcript = state_dir.path + "/transcript.jsonl";
    {
        std::FILE* out = std::fopen(transcript.c_str(), "w");
        if (!out) return state.SkipWithError("cannot write the transcript");
        const std::string filler(2000, 'x');
        for (int i = 0; i < 2000; ++i)
            std::fprintf(out, "{\"type\":\"user\",\"message\":{\"content\":\"%s\"}}\n",
                         filler.c_str());
        std::fprintf(out,
                     "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":12,"
                     "\"cache_creation_input_tokens\":3000,\"cache_read_input_tokens\":90000,"
                     "\"output_tokens\":400}}}\n");
        std::fclose(out);
    }
    spawngate::GateSettings settings;
    settings.state_dir = state_dir.path;
    measure_and_decide(state, settings, spawngate::LaunchContext{transcript});
}

// Where the two-level figure goes, step by step (each is part of measure()).
void BM_TwoLevelStepLocateFromProcSelfCgroup(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const spawngate::Root root{"/"};
    for (auto _ : state) benchmark::DoNotOptimize(locate_self(root));
}

void BM_TwoLevelStepPidsLevels(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const spawngate::Root root{"/"};
    const Located located = locate_self(root);
    if (!located.pids) return state.SkipWithError("no pids cgroup located");
    for (auto _ : state) benchmark::DoNotOptimize(spawngate::read_pids_budget(root, *located.pids));
}

void BM_TwoLevelStepTaskCounts(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const spawngate::Root root{"/"};
    const Located located = locate_self(root);
    if (!located.pids) return state.SkipWithError("no pids cgroup located");
    for (auto _ : state) benchmark::DoNotOptimize(spawngate::read_task_counts(root, *located.pids));
}

void BM_TwoLevelStepMemoryLevels(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const spawngate::Root root{"/"};
    const Located located = locate_self(root);
    if (!located.memory) return state.SkipWithError("no memory cgroup located");
    for (auto _ : state)
        benchmark::DoNotOptimize(spawngate::read_memory_budget(root, *located.memory));
}

void BM_DecideOnly(benchmark::State& state) {
    const TwoLevelPidsCgroup hierarchy;
    if (!hierarchy.error().empty()) return state.SkipWithError(hierarchy.error().c_str());
    const spawngate::Measurement measurement = spawngate::measure(spawngate::Root{"/"}, {});
    const spawngate::GateSettings settings;
    for (auto _ : state) benchmark::DoNotOptimize(spawngate::decide(measurement, settings).level);
}

}  // namespace

BENCHMARK(BM_LibcgroupInitFirstCall)->Iterations(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_LibcgroupInitRepeated)->Iterations(200)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MeasureAndDecideInTwoLevelPidsCgroup)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MeasureAndDecideInOriginalCgroup)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReserveInTwoLevelPidsCgroup)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HookLaunchWithContextBudget)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TwoLevelStepLocateFromProcSelfCgroup)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TwoLevelStepPidsLevels)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TwoLevelStepTaskCounts)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TwoLevelStepMemoryLevels)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecideOnly)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
