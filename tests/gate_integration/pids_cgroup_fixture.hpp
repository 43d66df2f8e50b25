#pragma once
// The fixture every real-cgroup gate test shares. Each test gets its own unlimited top cgroup
// ("/spawngate-test-<pid>-<n>", like a systemd slice) and builds limited cgroups below it, fills
// them with real sleeping processes and runs the built gate inside. Teardown kills and reaps
// every process, then removes the cgroups children first, also when the test failed half-way.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "child_processes.hpp"
#include "gate_runner.hpp"
#include "scoped_pids_cgroup.hpp"

namespace spawngate::integration {

// A file in /tmp holding `content`, removed by the destructor. The tests use an empty config
// file, so a /etc/spawngate/spawngate.toml on the machine cannot move the defaults they assert,
// and a session transcript for the hook tests, as Claude Code always names one.
class ScopedTempFile {
  public:
    explicit ScopedTempFile(std::string_view content) {
        char name[] = "/tmp/spawngate-integration-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd < 0) return;
        const bool complete =
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
        ::close(fd);
        if (complete) {
            path_ = name;
        } else {
            ::unlink(name);
        }
    }
    ~ScopedTempFile() {
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    ScopedTempFile(const ScopedTempFile&) = delete;
    ScopedTempFile& operator=(const ScopedTempFile&) = delete;
    const std::string& path() const { return path_; }  // empty when it could not be written

  private:
    std::string path_;
};

class GateInRealPidsCgroup : public ::testing::Test {
  protected:
    void SetUp() override {
        if (const std::string why = pids_cgroups_unavailable(); !why.empty())
            GTEST_SKIP() << "needs a writable pids cgroup hierarchy: " << why;
        CgroupCreation top = create_pids_cgroup(unique_cgroup_name("spawngate-test"), std::nullopt);
        if (!top.cgroup) GTEST_SKIP() << "cannot create a pids cgroup here: " << top.error;
        cgroups_.push_back(std::move(top.cgroup));
        ASSERT_FALSE(config_.path().empty()) << "cannot create an empty config file in /tmp";
    }

    ~GateInRealPidsCgroup() override {
        processes_.kill_all();
        while (!cgroups_.empty()) cgroups_.pop_back();  // children before their parents
    }

    // A cgroup below `under` (the test's top cgroup by default) with pids.max = `max`, or
    // unlimited. Null, with the failure recorded, when it cannot be created.
    const ScopedPidsCgroup* make_cgroup(std::string_view leaf, std::optional<std::int64_t> max,
                                        const ScopedPidsCgroup* under = nullptr) {
        const ScopedPidsCgroup& parent = under ? *under : *cgroups_.front();
        const std::string name = parent.path().substr(1) + "/" + std::string(leaf);
        CgroupCreation made = create_pids_cgroup(name, max);
        if (!made.cgroup) {
            ADD_FAILURE() << made.error;
            return nullptr;
        }
        cgroups_.push_back(std::move(made.cgroup));
        return cgroups_.back().get();
    }

    // Adds `count` sleeping processes to `cgroup` and waits until pids.current shows them.
    [[nodiscard]] bool add_sleepers(const ScopedPidsCgroup& cgroup, int count) {
        const auto before = cgroup.pids_current();
        const std::string error = processes_.add_sleepers(cgroup, count);
        return settle(cgroup, before, static_cast<std::uint64_t>(count), error);
    }

    // Adds one process holding `tasks` threads (main thread included) and waits for them.
    [[nodiscard]] bool add_thread_holder(const ScopedPidsCgroup& cgroup, int tasks) {
        const auto before = cgroup.pids_current();
        const std::string error = processes_.add_thread_holder(cgroup, tasks);
        return settle(cgroup, before, static_cast<std::uint64_t>(tasks), error);
    }

    // Runs the built gate inside `cgroup` with the default thresholds (warn 70 %, block 85 %).
    GateRun run_gate(const ScopedPidsCgroup& cgroup, std::vector<std::string> arguments,
                     const std::string& stdin_text = {}) {
        arguments.insert(arguments.begin(), {"--config", config_.path()});
        GateRun run = run_gate_in(cgroup, SPAWNGATE_PATH, arguments, stdin_text);
        if (!run.failure.empty()) ADD_FAILURE() << run.failure;
        return run;
    }

    // The gate's --json answer; a discarded value (not an object) when it is not JSON.
    static nlohmann::json parse_json(const std::string& text) {
        return nlohmann::json::parse(text, nullptr, false);
    }

  private:
    // Waits until pids.current (which counts descendants too) has grown by `added` tasks.
    bool settle(const ScopedPidsCgroup& cgroup, std::optional<std::uint64_t> before,
                std::uint64_t added, const std::string& error) {
        if (!error.empty()) {
            ADD_FAILURE() << error;
            return false;
        }
        if (!before) {
            ADD_FAILURE() << "cannot read " << cgroup.directory() << "/pids.current";
            return false;
        }
        const std::uint64_t expected = *before + added;
        const auto current = cgroup.wait_for_pids_current(expected);
        if (current != expected) {
            ADD_FAILURE() << cgroup.directory() << "/pids.current stayed at "
                          << (current ? std::to_string(*current) : "unreadable") << ", expected "
                          << expected;
            return false;
        }
        return true;
    }

    ScopedTempFile config_{""};
    std::vector<std::unique_ptr<ScopedPidsCgroup>> cgroups_;  // the top cgroup first
    ChildProcesses processes_;
};

}  // namespace spawngate::integration
