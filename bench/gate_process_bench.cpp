// Whole-process latency of the built gate beside a static no-op built in the same tree, in the
// same run, alternating one run of each so both see the same machine noise. Reports p50 and p99
// of each and their ratio (the targets: p50 within 1.2x of the no-op, p99 under 1 ms).
//
// Before/after: with SPAWNGATE_BENCH_BASELINE_GATE=/path/to/an/older/spawngate, every iteration
// also runs that gate with the same arguments (no-op, baseline, built gate, in that order), and
// the counters add baseline_p50_us, baseline_p99_us and after/baseline ratios: a change to the
// gate is judged against the gate it replaces on the same machine noise, in one run.

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "process_timing.hpp"

namespace {

using spawngate::bench::percentile_us;
using spawngate::bench::time_one_run;

// A Claude Code PreToolUse call launching a subagent, as the hook receives it (no transcript,
// so the context budget is not part of this figure; bench/gate_inprocess_bench has it).
constexpr const char* kAgentHookInput =
    R"({"session_id":"bench","transcript_path":"","cwd":"/","hook_event_name":"PreToolUse",)"
    R"("tool_name":"Agent","tool_input":{"subagent_type":"general-purpose","prompt":"bench"}})";

// Runs before each gate run, outside the timing (e.g. to reset a ledger).
using BeforeEachRun = void (*)(const std::string& scratch_dir);

void compare_with_noop(benchmark::State& state, std::vector<std::string> gate_argv,
                       const char* gate_stdin = nullptr, BeforeEachRun before_each = nullptr,
                       const std::string& scratch_dir = {}) {
    std::string stdin_path = "/dev/null";
    if (gate_stdin) {
        char pattern[] = "/tmp/spawngate-bench-stdin-XXXXXX";
        const int fd = ::mkstemp(pattern);
        if (fd < 0 || ::write(fd, gate_stdin, std::strlen(gate_stdin)) < 0) {
            state.SkipWithError("cannot write the hook input file");
            return;
        }
        ::close(fd);
        stdin_path = pattern;
    }
    const std::vector<std::string> noop_argv{SPAWNGATE_NOOP_PATH};
    std::optional<std::vector<std::string>> baseline_argv;
    if (const char* baseline = std::getenv("SPAWNGATE_BENCH_BASELINE_GATE");
        baseline && *baseline) {
        baseline_argv = gate_argv;
        baseline_argv->front() = baseline;
    }
    std::vector<double> gate_us, noop_us, baseline_us;
    for (auto _ : state) {
        const auto noop = time_one_run(noop_argv);
        if (baseline_argv) {
            if (before_each) before_each(scratch_dir);
            const auto baseline = time_one_run(*baseline_argv, stdin_path);
            if (baseline.count() < 0) return state.SkipWithError("posix_spawn failed (baseline)");
            baseline_us.push_back(static_cast<double>(baseline.count()) / 1000.0);
        }
        if (before_each) before_each(scratch_dir);
        const auto gate = time_one_run(gate_argv, stdin_path);
        if (noop.count() < 0 || gate.count() < 0) {
            state.SkipWithError("posix_spawn failed");
            return;
        }
        noop_us.push_back(static_cast<double>(noop.count()) / 1000.0);
        gate_us.push_back(static_cast<double>(gate.count()) / 1000.0);
    }
    const double gate_p50 = percentile_us(gate_us, 50), gate_p99 = percentile_us(gate_us, 99);
    const double noop_p50 = percentile_us(noop_us, 50), noop_p99 = percentile_us(noop_us, 99);
    state.counters["gate_p50_us"] = gate_p50;
    state.counters["gate_p99_us"] = gate_p99;
    state.counters["noop_p50_us"] = noop_p50;
    state.counters["noop_p99_us"] = noop_p99;
    state.counters["p50_ratio"] = noop_p50 > 0 ? gate_p50 / noop_p50 : 0;
    if (!baseline_us.empty()) {
        const double base_p50 = percentile_us(baseline_us, 50);
        const double base_p99 = percentile_us(baseline_us, 99);
        state.counters["baseline_p50_us"] = base_p50;
        state.counters["baseline_p99_us"] = base_p99;
        state.counters["p50_vs_baseline"] = base_p50 > 0 ? gate_p50 / base_p50 : 0;
        state.counters["p99_vs_baseline"] = base_p99 > 0 ? gate_p99 / base_p99 : 0;
    }
    if (gate_stdin) ::unlink(stdin_path.c_str());
}

void BM_GateCheckVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH});
}
void BM_GateVersionVsNoop(benchmark::State& state) {
    // Start-up alone: the static executable's own cost before any reading.
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--version"});
}
void BM_GateHookClaudeVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--hook", "claude"}, kAgentHookInput);
}
void BM_GateJsonVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--json"});
}
// A warning and a block on this machine's own counts: an explicit budget puts them at 10-20%
// of 1000 tasks (warn at 1%) and far above a budget of 1 (block). Both write their lines to
// stderr (/dev/null here), as a hook's caller would see them.
void BM_GateWarnVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--budget", "1000", "--warn", "1"});
}
void BM_GateBlockVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--budget", "1", "--cost", "5"});
}
// The operator's report: off the hot path, but it should not grow either.
void BM_GateStatusVsNoop(benchmark::State& state) {
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "status"});
}

// A directory for one benchmark's files, removed with everything in it at the end.
struct ScratchDir {
    std::string path;
    explicit ScratchDir(const std::string& parent = "/tmp") {
        std::string pattern = parent + "/spawngate-bench-XXXXXX";
        if (::mkdtemp(pattern.data())) path = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        if (!path.empty()) std::filesystem::remove_all(path, ignored);
    }
};

// Each --reserve run finds the state directory without a ledger, as the first launch of a burst
// does; without this the ledger would grow by one reservation a run for the TTL.
void remove_ledgers(const std::string& state_dir) {
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator(state_dir, ignored))
        std::filesystem::remove(entry.path(), ignored);
}

void BM_GateReserveVsNoop(benchmark::State& state) {
    // /run, where the ledger lives, is a tmpfs on systemd hosts: so is /dev/shm.
    const ScratchDir scratch(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp");
    if (scratch.path.empty()) return state.SkipWithError("cannot make a state directory");
    compare_with_noop(
        state, {SPAWNGATE_GATE_PATH, "--reserve", "--cost", "5", "--state-dir", scratch.path},
        nullptr, remove_ledgers, scratch.path);
}

// A Claude Code Agent launch whose session transcript is 4 MiB: the context budget reads only
// its 64 KiB tail for the last usage record.
void BM_GateHookClaudeWithContextBudgetVsNoop(benchmark::State& state) {
    const ScratchDir scratch;
    if (scratch.path.empty()) return state.SkipWithError("cannot make a scratch directory");
    const std::string transcript = scratch.path + "/transcript.jsonl";
    {
        std::ofstream out(transcript);
        const std::string filler(2000, 'x');
        for (int i = 0; i < 2000; ++i)
            out << R"({"type":"user","message":{"content":")" << filler << "\"}}\n";
        out << R"({"type":"assistant","message":{"usage":{"input_tokens":12,)"
            << R"("cache_creation_input_tokens":3000,"cache_read_input_tokens":90000,)"
            << R"("output_tokens":400}}})"
            << "\n";
        if (!out) return state.SkipWithError("cannot write the transcript");
    }
    const std::string input =
        R"({"session_id":"bench","transcript_path":")" + transcript +
        R"(","cwd":"/","hook_event_name":"PreToolUse","tool_name":"Agent",)"
        R"("tool_input":{"subagent_type":"general-purpose","prompt":"bench"}})";
    compare_with_noop(state, {SPAWNGATE_GATE_PATH, "--hook", "claude"}, input.c_str());
}

}  // namespace

BENCHMARK(BM_GateCheckVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateVersionVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateHookClaudeVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateJsonVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateWarnVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateBlockVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateStatusVsNoop)->Iterations(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateReserveVsNoop)->Iterations(3000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GateHookClaudeWithContextBudgetVsNoop)
    ->Iterations(3000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
