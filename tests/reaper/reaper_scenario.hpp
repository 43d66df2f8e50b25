#pragma once
// The real-process scenario fixture: the built spawnreaper binary against real processes, with a
// test config of short ages. Every rule is scoped by a random token in argv and, where cgroupfs
// is writable, by a pids cgroup made for the test, so nothing outside the test can match; every
// process is killed and reaped by its guard when the test ends, also when it fails.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "real_process.hpp"

extern char** environ;

namespace spawngate {

using nlohmann::json;
using testkit::RealProcess;

struct RunResult {
    int exit_code = -1;
    std::string stdout_text;
    std::string stderr_text;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class ReaperScenario : public ::testing::Test {
  protected:
    std::string token;
    std::string directory;
    std::unique_ptr<testkit::TestCgroup> cgroup;  // destroyed after the processes below
    std::deque<RealProcess> processes;            // a deque: references from keep() stay valid

    void SetUp() override {
        if (::geteuid() != 0)
            GTEST_SKIP() << "the real-process scenario signals processes and needs root";
        token = testkit::random_token();
        char pattern[] = "/tmp/spawnreaper-it-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        directory = pattern;
        cgroup = std::make_unique<testkit::TestCgroup>("spawnreaper-test-" + token);
    }

    void TearDown() override {
        processes.clear();
        cgroup.reset();
        if (!directory.empty()) std::filesystem::remove_all(directory);
    }

    std::string procs_file() const {
        return cgroup && cgroup->created() ? cgroup->procs_file() : "";
    }

    // The scope every test rule carries: the token always, the test cgroup when there is one.
    std::string scope(const std::string& cmdline_pattern) const {
        std::string lines = "cmdline = '" + cmdline_pattern + "'\n";
        if (cgroup && cgroup->created()) lines += "cgroup = \"" + cgroup->name() + "\"\n";
        return lines;
    }

    RealProcess& keep(RealProcess process) {
        EXPECT_TRUE(process.valid());
        processes.push_back(std::move(process));
        return processes.back();
    }

    RealProcess& sleeper(const std::string& argv0, bool ignore_term = false) {
        return keep(RealProcess::spawn("/bin/sleep", {argv0, "300"}, ignore_term, procs_file()));
    }

    std::string write_config(const std::string& body) const {
        const std::string path = directory + "/reaper.toml";
        std::ofstream(path) << body;
        ::chmod(path.c_str(), 0644);
        return path;
    }

    std::string log_path() const { return directory + "/reaper.jsonl"; }

    std::vector<std::string> standard_arguments(const std::string& config) const {
        return {"--config",    config,
                "--log",       log_path(),
                "--lock",      directory + "/run/reaper.lock",
                "--heartbeat", directory + "/run/reaper.heartbeat",
                "--state",     directory + "/run/state.json"};
    }

    RunResult run_reaper(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), SPAWNREAPER_PATH);
        const std::string out = directory + "/stdout", err = directory + "/stderr";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        std::vector<char*> argv;
        for (std::string& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        pid_t pid = 0;
        RunResult result;
        const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0) return result;
        int status = 0;
        ::waitpid(pid, &status, 0);
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        result.stdout_text = read_text(out);
        result.stderr_text = read_text(err);
        return result;
    }

    std::vector<json> log_lines() const {
        std::vector<json> lines;
        std::ifstream in(log_path());
        for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
        return lines;
    }

    std::optional<json> decision_for(pid_t pid) const {
        for (const json& line : log_lines())
            if (line.value("event", "") == "decision" && line.value("pid", 0) == pid) return line;
        return std::nullopt;
    }

    static void wait_older_than_one_second() {
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    }
};

}  // namespace spawngate
