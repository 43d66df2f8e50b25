#include "reaper_cycler.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <vector>

#include "spawned_children.hpp"

namespace spawngate::load {

ReaperCycler::ReaperCycler(ReaperCyclerOptions options)
    : options_(std::move(options)), config_path_(options_.directory + "/reaper.toml") {
    // TERM with a short grace: the victims die at TERM, and a cycle never waits long. Older
    // than 300 ms, so each victim really lives in the cgroup for a while before it is reaped.
    std::ofstream config(config_path_);
    config << "[[rule]]\n"
           << "name = \"" << kRuleName << "\"\n"
           << "cmdline = '^" << options_.victim_argv0 << "-[0-9]+ '\n"
           << "cgroup = \"" << options_.cgroup_path << "\"\n"
           << "older_than = \"300ms\"\n"
           << "signal = \"TERM\"\n"
           << "grace = \"2s\"\n";
    config.close();
    if (!config) error_ = "cannot write " + config_path_;
    // The reaper refuses a config that others can write.
    if (::chmod(config_path_.c_str(), 0644) != 0) error_ = "cannot chmod " + config_path_;
}

void ReaperCycler::start() {
    if (thread_.joinable() || !error_.empty()) return;
    stopping_.store(false);
    report_ = {};
    thread_ = std::thread([this] { run(); });
}

void ReaperCycler::run() {
    const std::string run_dir = options_.directory + "/run";
    const std::vector<std::string> argv{options_.reaper_path,
                                        "--once",
                                        "--quiet",
                                        "--config",
                                        config_path_,
                                        "--log",
                                        log_path(),
                                        "--lock",
                                        run_dir + "/reaper.lock",
                                        "--heartbeat",
                                        heartbeat_path(),
                                        "--state",
                                        run_dir + "/reaper.state.json"};
    SpawnedChildren children;
    std::vector<EndedChild> ended;
    while (!stopping_.load()) {
        if (children.spawn(options_.reaper_path, argv, 0, stderr_path()) < 0) {
            ++report_.exit_codes[-1];
        } else {
            ended.clear();
            // A cycle takes milliseconds; a minute means it hangs, and the count says so.
            children.wait_all(std::chrono::seconds(60), ended);
            for (const auto& cycle : ended) {
                ++report_.runs;
                const int code = WIFEXITED(cycle.status) ? WEXITSTATUS(cycle.status)
                                                         : 128 + WTERMSIG(cycle.status);
                ++report_.exit_codes[code];
            }
        }
        std::this_thread::sleep_for(options_.pause);
    }
}

ReaperReport ReaperCycler::stop() {
    if (thread_.joinable()) {
        stopping_.store(true);
        thread_.join();
    }
    return report_;
}

}  // namespace spawngate::load
