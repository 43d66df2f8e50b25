// The whole measurement on a hostile tree: the input describes a fixture root, file by file,
//
//   === /proc/self/cgroup
//   0::/agents/a
//   === /sys/fs/cgroup/agents/pids.max
//   20
//
// (a line "=== PATH" starts each file; paths stay below the fixture: no "..", at most 48 files),
// and measure() + decide() run on it as the gate would. Every judged limit whose count is at or
// over its maximum must block: a count that wraps or a parse that turns into a small number would
// let a launch through a full cgroup.
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "measurement.hpp"
#include "verdict.hpp"

namespace {

constexpr std::string_view kFileMarker = "=== ";
constexpr std::size_t kMaxFiles = 48;
constexpr std::size_t kMaxPath = 200;

const std::string& fixture_root() {
    static const std::string root = [] {
        const char* shm = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : nullptr;
        const char* base = shm ? shm : (std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
        std::string pattern = std::string(base) + "/spawngate-fuzz-measure-XXXXXX";
        if (!::mkdtemp(pattern.data())) __builtin_trap();
        return pattern;
    }();
    return root;
}

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
    ::remove(path);
    return 0;
}

// Removes the fixture, root included, so that nothing is left behind when the fuzzer exits.
void remove_fixture(const std::string& root) {
    ::nftw(root.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

bool safe_path(std::string_view path) {
    if (path.size() < 2 || path.size() > kMaxPath || path.front() != '/') return false;
    if (path.find('\0') != std::string_view::npos) return false;
    std::string_view rest = path.substr(1);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto part = rest.substr(0, slash);
        if (part.empty() || part == "." || part == "..") return false;
        rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
    }
    return true;
}

void write_fixture_file(const std::string& root, std::string_view path, std::string_view content) {
    if (!safe_path(path)) return;
    std::string full = root;
    for (std::size_t slash = path.find('/', 1); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
        ::mkdir((root + std::string(path.substr(0, slash))).c_str(), 0755);
    }
    full += path;
    const int fd =
        ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return;
    if (::write(fd, content.data(), content.size()) < 0) {
        // A short fixture is as good an input as a whole one.
    }
    ::close(fd);
}

// Splits the input into files at each "=== PATH" line.
void build_fixture(const std::string& root, std::string_view input) {
    std::size_t files = 0;
    std::string_view path;
    std::string_view rest = input;
    // Text before the first marker is ignored.
    auto marker = input.starts_with(kFileMarker) ? 0 : input.find("\n=== ");
    if (marker == std::string_view::npos) return;
    rest = input.substr(marker == 0 ? 0 : marker + 1);
    while (!rest.empty() && files < kMaxFiles) {
        rest.remove_prefix(kFileMarker.size());
        const auto end_of_path = rest.find('\n');
        path = rest.substr(0, end_of_path);
        rest.remove_prefix(end_of_path == std::string_view::npos ? rest.size() : end_of_path + 1);
        const auto next = rest.find("\n=== ");
        const auto content =
            rest.substr(0, next == std::string_view::npos ? rest.size() : next + 1);
        write_fixture_file(root, path, content);
        ++files;
        rest.remove_prefix(next == std::string_view::npos ? rest.size() : next + 1);
    }
}

void check_verdict(const spawngate::Verdict& verdict, const spawngate::GateSettings& settings) {
    for (const auto& limit : verdict.limits) {
        FUZZ_CHECK(limit.level <= verdict.level);
        if (limit.kind == spawngate::JudgedLimit::Kind::Context || limit.max == 0) continue;
        // At or over the maximum is a block whatever the thresholds (both are at most 100 %).
        if (limit.current >= limit.max) FUZZ_CHECK(limit.level == spawngate::Level::Block);
    }
    if (verdict.tightest_pids) FUZZ_CHECK(verdict.tightest_pids->level <= verdict.level);
    if (settings.fail_closed && (verdict.unmeasured || verdict.incomplete))
        FUZZ_CHECK(verdict.level == spawngate::Level::Block);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& root = fixture_root();
    ::mkdir(root.c_str(), 0700);
    build_fixture(root, spawngate::fuzz::as_text(data, size));

    spawngate::MeasureOptions options;
    options.memory_usage_of_caller = true;
    const spawngate::Measurement measurement = spawngate::measure(spawngate::Root{root}, options);

    spawngate::GateSettings settings;
    check_verdict(spawngate::decide(measurement, settings), settings);
    settings.fail_closed = true;
    settings.budget = 10;
    settings.cost = 5;
    check_verdict(spawngate::decide(measurement, settings), settings);
    remove_fixture(root);
    return 0;
}
