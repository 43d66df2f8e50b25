#pragma once
// Runs the built spawngate executable against a fixture tree, the way a hook or a script would:
// arguments, environment and stdin in; exit code, stdout and stderr out. The config file and the
// reservation state directory live inside the fixture, so nothing of the machine's leaks in.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cgroup_fixture.hpp"
#include "reservation_ledger.hpp"
#include "run_process.hpp"

namespace spawngate::testkit {

inline constexpr const char* kBuiltGate = SPAWNGATE_PATH;

inline bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

inline std::string read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class GateProcess {
  public:
    GateProcess() { tree.write("/etc/spawngate-test.toml", ""); }

    // The gate on this tree with `arguments`, a clean environment plus `environment`.
    ProcessResult run(std::vector<std::string> arguments, std::vector<std::string> environment = {},
                      std::string stdin_text = {}) const {
        ProcessRun process;
        process.arguments = std::move(arguments);
        process.arguments.insert(process.arguments.end(), {"--root", tree.path()});
        process.environment = {"PATH=/usr/bin:/bin",
                               "SPAWNGATE_CONFIG=" + tree.path_of("/etc/spawngate-test.toml"),
                               "SPAWNGATE_STATE_DIR=" + state_dir()};
        for (auto& entry : environment) {
            const std::string name = entry.substr(0, entry.find('=') + 1);
            std::erase_if(process.environment,
                          [&](const std::string& old) { return old.starts_with(name); });
            process.environment.push_back(std::move(entry));
        }
        process.stdin_text = std::move(stdin_text);
        return run_process(kBuiltGate, process);
    }

    // The reservation state directory (inside the tree; created by the gate on first use).
    std::string state_dir() const { return tree.path_of("/run/spawngate"); }

    // A cgroup v1 caller in `cgroup` holding `current` of `max` tasks.
    void v1_caller_at(unsigned current, unsigned max = 200,
                      std::string_view cgroup = "/agents") const {
        lay_out_v1(tree, cgroup);
        const std::string directory = "/sys/fs/cgroup/pids" + std::string(cgroup);
        write_pids(tree, directory, std::to_string(max), std::to_string(current));
        write_tasks(tree, directory, 2, current, false);
    }
    void set_current(unsigned current, std::string_view cgroup = "/agents") const {
        tree.write("/sys/fs/cgroup/pids" + std::string(cgroup) + "/pids.current",
                   std::to_string(current) + "\n");
    }

    // A cgroup v2 caller in /agents holding `current` of 200 tasks.
    void v2_caller_at(unsigned current) const {
        lay_out_v2(tree, "/agents");
        write_pids(tree, "/sys/fs/cgroup/agents", "200", std::to_string(current));
        write_tasks(tree, "/sys/fs/cgroup/agents", 3, current, true);
    }

    // The ledger file of the pids cgroup `cgroup` (named for its directory's device and inode).
    std::string ledger_path(std::string_view cgroup = "/agents") const {
        struct stat info {};
        const std::string directory = tree.path_of("/sys/fs/cgroup/pids" + std::string(cgroup));
        if (::stat(directory.c_str(), &info) != 0) return {};
        return state_dir() + "/ledger-" + std::to_string(info.st_dev) + "-" +
               std::to_string(info.st_ino);
    }

    // The reservations in the ledger on disk; an empty list when there is no file.
    std::vector<Reservation> ledger_entries(std::string_view cgroup = "/agents") const {
        const std::string text = read_whole_file(ledger_path(cgroup));
        if (text.empty()) return {};
        const LedgerParse parsed = parse_ledger(text);
        EXPECT_TRUE(parsed.ledger.has_value()) << parsed.problem << "\n" << text;
        return parsed.ledger ? parsed.ledger->reservations : std::vector<Reservation>{};
    }

    FixtureTree tree;
};

}  // namespace spawngate::testkit
