#pragma once
// The built spawnreaper run against a private temporary directory: its config, log, lock,
// heartbeat and state paths all live there, its one rule matches only processes whose command
// line starts with a random token (a sleeper the test starts), and everything is removed when
// the test ends. Root only: the reaper acts as root in the installations these tests defend.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "real_process.hpp"
#include "run_process.hpp"

namespace spawngate::testkit {

class ReaperSandbox {
  public:
    ReaperSandbox() {
        char pattern[] = "/tmp/spawngate-security-XXXXXX";
        if (::mkdtemp(pattern) != nullptr) directory_ = pattern;
        token_ = random_token();
    }
    ~ReaperSandbox() {
        sleepers_.clear();  // killed and reaped before their directory goes
        std::error_code ignored;
        if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
    }
    ReaperSandbox(const ReaperSandbox&) = delete;
    ReaperSandbox& operator=(const ReaperSandbox&) = delete;

    const std::string& directory() const { return directory_; }
    std::string path(const std::string& name) const { return directory_ + "/" + name; }
    const std::string& token() const { return token_; }

    // A config whose only rule matches the sleepers of this sandbox; `reaper_table` goes first.
    std::string write_config(const std::string& reaper_table = {}, mode_t mode = 0644) const {
        const std::string config = path("reaper.toml");
        std::ofstream(config) << reaper_table << "[[rule]]\nname = \"sandbox\"\ncmdline = '^sec-"
                              << token_ << " '\n";
        ::chmod(config.c_str(), mode);
        return config;
    }

    // A sleeping process the sandbox rule matches (`sec-TOKEN 300`).
    void start_sleeper() {
        sleepers_.push_back(RealProcess::spawn("/bin/sleep", {"sec-" + token_, "300"}));
    }

    // spawnreaper --once with every path inside the sandbox unless `arguments` names it.
    ProcessResult run(std::vector<std::string> arguments) const {
        const auto named = [&](const std::string& option) {
            for (const auto& argument : arguments)
                if (argument == option) return true;
            return false;
        };
        const std::vector<std::pair<std::string, std::string>> defaults{
            {"--config", path("reaper.toml")},   {"--log", path("log/reaper.jsonl")},
            {"--lock", path("run/reaper.lock")}, {"--heartbeat", path("run/reaper.heartbeat")},
            {"--state", path("run/state.json")},
        };
        for (const auto& [option, value] : defaults)
            if (!named(option)) arguments.insert(arguments.end(), {option, value});
        arguments.push_back("--once");
        ProcessRun process;
        process.arguments = std::move(arguments);
        process.environment = {"PATH=/usr/bin:/bin"};
        return run_process(SPAWNREAPER_PATH, process);
    }

  private:
    std::string directory_;
    std::string token_;
    std::deque<RealProcess> sleepers_;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace spawngate::testkit
