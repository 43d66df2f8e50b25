#include "reaper_fault_scenario.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "seccomp_no_pidfd.hpp"

extern char** environ;

namespace spawngate::faults {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void ReaperFaultScenario::SetUp() {
    if (::geteuid() != 0) GTEST_SKIP() << "the reaper fault scenarios signal processes: need root";
    token = testkit::random_token();
    char pattern[] = "/tmp/spawnreaper-faults-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    directory = pattern;
    cgroup = std::make_unique<testkit::TestCgroup>("spawnreaper-faults-" + token);
}

void ReaperFaultScenario::TearDown() {
    processes.clear();
    cgroup.reset();
    if (!directory.empty()) std::filesystem::remove_all(directory);
}

std::string ReaperFaultScenario::procs_file() const {
    return cgroup && cgroup->created() ? cgroup->procs_file() : "";
}

std::string ReaperFaultScenario::scope(const std::string& cmdline_pattern) const {
    std::string lines = "cmdline = '" + cmdline_pattern + "'\n";
    if (cgroup && cgroup->created()) lines += "cgroup = \"" + cgroup->name() + "\"\n";
    return lines;
}

testkit::RealProcess& ReaperFaultScenario::keep(testkit::RealProcess process) {
    EXPECT_TRUE(process.valid());
    processes.push_back(std::move(process));
    return processes.back();
}

testkit::RealProcess& ReaperFaultScenario::sleeper(const std::string& argv0, bool ignore_term) {
    return keep(
        testkit::RealProcess::spawn("/bin/sleep", {argv0, "300"}, ignore_term, procs_file()));
}

std::string ReaperFaultScenario::write_config(const std::string& body,
                                              const std::string& name) const {
    const std::string path = directory + "/" + name;
    std::ofstream(path) << body;
    ::chmod(path.c_str(), 0644);
    return path;
}

std::vector<std::string> ReaperFaultScenario::standard_arguments(const std::string& config) const {
    return {"--config",    config,
            "--log",       log_path(),
            "--lock",      run_directory() + "/reaper.lock",
            "--heartbeat", run_directory() + "/reaper.heartbeat",
            "--state",     run_directory() + "/state.json",
            "--once"};
}

pid_t ReaperFaultScenario::start_reaper(const std::vector<std::string>& arguments,
                                        PidfdBlock block) const {
    std::vector<std::string> argv_text{SPAWNREAPER_PATH};
    argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& argument : argv_text) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const std::string err = directory + "/reaper.stderr." + std::to_string(::getpid());
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Its own process group, so nothing the test sends to its group reaches the reaper.
        ::setpgid(0, 0);
        const int out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        const int error_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || error_fd < 0 || ::dup2(out, 1) < 0 || ::dup2(error_fd, 2) < 0) ::_exit(126);
        if (block.error != 0 && !install_pidfd_filter(block.error)) ::_exit(125);
        ::execve(argv[0], argv.data(), environ);
        ::_exit(127);
    }
    return pid;
}

ReaperExit ReaperFaultScenario::wait_reaper(pid_t pid, int timeout_ms) const {
    ReaperExit result;
    if (pid <= 0) return result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);  // our own unreaped child: the pid cannot have been reused
            ::waitpid(pid, &status, 0);
            ADD_FAILURE() << "spawnreaper did not finish within " << timeout_ms << " ms";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    result.stderr_text = read_text(directory + "/reaper.stderr." + std::to_string(::getpid()));
    return result;
}

std::vector<nlohmann::json> ReaperFaultScenario::log_lines() const {
    std::vector<nlohmann::json> lines;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) {
        auto parsed = nlohmann::json::parse(line, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << "a torn log line: '" << line << "'";
        if (!parsed.is_discarded()) lines.push_back(std::move(parsed));
    }
    return lines;
}

std::vector<nlohmann::json> ReaperFaultScenario::decisions_for(pid_t pid) const {
    std::vector<nlohmann::json> found;
    for (const nlohmann::json& line : log_lines())
        if (line.value("event", "") == "decision" && line.value("pid", 0) == pid)
            found.push_back(line);
    return found;
}

}  // namespace spawngate::faults
