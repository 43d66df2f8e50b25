// The deploy zoo: real deploy tools from Debian (ansible-playbook, cap, fab), shell, python, make
// and npm deploys, each stuck in a step with a child process, next to look-alikes that only
// mention "deploy" (editors on deploy.sh, a pager on deploy.log, grep, git log, a server in a
// directory named deploy, apps a deploy started in a session of their own). One cycle of the
// built spawnreaper with the shipped rules, only their ages shortened, must end every deploy's
// whole tree and nothing else.
//
// All of it runs in a private PID and mount namespace (zoo_namespace.hpp): the reaper sees the
// zoo and nothing of the machine. Root only; a missing tool skips its own part and says so.

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "run_process.hpp"
#include "zoo_invocations.hpp"
#include "zoo_namespace.hpp"
#include "zoo_processes.hpp"

namespace spawngate::zoo {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The shipped ages (120 s, 30 m, 10 m) become this; nothing else of the rules changes.
constexpr std::string_view kShortAge = "2s";
// Ages are compared in whole seconds of the victim's age; a little more than one more second.
constexpr auto kPastShortAge = std::chrono::milliseconds(3200);
constexpr auto kReadyTimeout = std::chrono::seconds(60);

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_text(const fs::path& path, std::string_view text) {
    std::ofstream(path) << text;
}

// The path of `tool` on the zoo's PATH, or "" when it is not installed.
std::string find_on_zoo_path(const std::string& tool) {
    std::istringstream directories{std::string(kZooPath)};
    for (std::string directory; std::getline(directories, directory, ':');)
        if (::access((directory + "/" + tool).c_str(), X_OK) == 0) return directory + "/" + tool;
    return "";
}

// The first of `needs` that is not installed, or "" when all are.
std::string missing_tool(std::string_view needs) {
    std::istringstream words{std::string(needs)};
    for (std::string tool; words >> tool;)
        if (find_on_zoo_path(tool).empty()) return tool;
    return "";
}

// The shipped rules with every `older_than` value set to `age`; `replaced` counts the lines.
std::string with_short_ages(const std::string& toml, std::string_view age, int& replaced) {
    std::istringstream lines(toml);
    std::string out;
    replaced = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto key = line.find_first_not_of(" \t");
        if (key != std::string::npos && line.compare(key, 10, "older_than") == 0 &&
            line.find('=') != std::string::npos) {
            line = fmt::format("{}older_than = \"{}\"", line.substr(0, key), age);
            ++replaced;
        }
        out += line + '\n';
    }
    return out;
}

std::vector<json> decisions_in(const fs::path& log) {
    std::vector<json> decisions;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) {
        json entry = json::parse(line, nullptr, false);
        if (!entry.is_discarded() && entry.value("event", "") == "decision")
            decisions.push_back(std::move(entry));
    }
    return decisions;
}

std::string text_of(const json& entry, const char* key) {
    if (!entry.contains(key) || entry[key].is_null()) return "(none)";
    return entry[key].is_string() ? entry[key].get<std::string>() : entry[key].dump();
}

std::string shown_command(const Invocation& invocation) {
    if (invocation.directory == ".") return std::string(invocation.command);
    return fmt::format("{}$ {}", invocation.directory, invocation.command);
}

std::string first_argv(const std::vector<SeenProcess>& processes) {
    return processes.empty() ? "" : shown_argv(processes.front().argv);
}

class DeployZoo : public ::testing::Test {
  protected:
    struct Member {
        const Invocation* invocation;
        pid_t started_pid = 0;               // the job's pid, as the namespace numbers it
        std::vector<SeenProcess> must_go;    // just before the cycle: the deploy's tree...
        std::vector<SeenProcess> must_stay;  // ...and what must survive (look-alike, service)
    };

    fs::path directory;  // everything of the test: project copy, logs, config, reaper files
    fs::path project;
    std::vector<Member> members;
    std::unique_ptr<ZooNamespace> zoo;  // PID 1's death ends every zoo process

    void SetUp() override {
        if (::geteuid() != 0)
            GTEST_SKIP() << "the zoo needs root: a PID and mount namespace, and a reaper that "
                            "signals";
        char pattern[] = "/tmp/spawnreaper-zoo-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        directory = pattern;
        project = directory / "project";
        fs::copy(fs::path(SPAWNGATE_SOURCE_DIR) / "tests/zoo/project", project,
                 fs::copy_options::recursive);
        fs::create_directories(directory / "home");
    }

    void TearDown() override {
        zoo.reset();
        if (!directory.empty()) fs::remove_all(directory);
    }

    std::vector<std::string> zoo_environment() const {
        const std::string home = (directory / "home").string();
        return {fmt::format("PATH={}", kZooPath), "HOME=" + home, "LANG=C.UTF-8", "TERM=xterm",
                "LESS=R",
                // Seen here: with only HOME set, ansible still put its module files under the
                // real /root/.ansible/tmp.
                "ANSIBLE_LOCAL_TEMP=" + home + "/.ansible/tmp",
                "ANSIBLE_REMOTE_TMP=" + home + "/.ansible/tmp", "ANSIBLE_NOCOLOR=1",
                // npm would ask the registry for a newer npm on every run.
                "NPM_CONFIG_UPDATE_NOTIFIER=false"};
    }

    // What the look-alikes look at: a log, a directory named deploy, a git history.
    void prepare_look_alike_files() const {
        write_text(project / "deploy.log", "deploy started\ndeploy step 1 of 3\n");
        fs::create_directory(project / "deploy");
        const std::string git = find_on_zoo_path("git");
        if (git.empty()) return;
        testkit::ProcessRun run;
        run.environment = zoo_environment();
        for (const std::vector<std::string>& arguments :
             {std::vector<std::string>{"-C", project.string(), "init", "-q"},
              {"-C", project.string(), "add", "-A"},
              {"-C", project.string(), "-c", "user.name=zoo", "-c", "user.email=zoo@zoo.invalid",
               "commit", "-qm", "deploy.sh: first version"}}) {
            run.arguments = arguments;
            const auto result = testkit::run_process(git, run);
            EXPECT_EQ(result.exit_code, 0) << "git " << arguments[2] << ": " << result.stderr_text;
        }
    }

    // The members this machine can run; each one it cannot is printed with the reason, and the
    // core ones it cannot are returned.
    std::vector<std::string> choose_members() {
        std::vector<std::string> core_missing;
        for (const Invocation& invocation : kZoo) {
            const std::string missing = missing_tool(invocation.needs);
            if (missing.empty()) {
                members.push_back({&invocation, 0, {}, {}});
                continue;
            }
            fmt::print("[zoo] skipped {}: {} is not installed\n", shown_command(invocation),
                       missing);
            if (invocation.core)
                core_missing.push_back(fmt::format("{} ({})", invocation.command, missing));
        }
        return core_missing;
    }

    // Fills in each member's job pid from the session's STARTED file (10 s at most). Only whole
    // lines count: the session may be writing the next one.
    bool read_started_pids(const fs::path& started) {
        for (int waited_ms = 0; waited_ms < 10000; waited_ms += 50) {
            std::istringstream lines(read_text(started));
            std::size_t found = 0;
            for (std::string line; std::getline(lines, line) && !lines.eof();) {
                std::istringstream words(line);
                std::string slug;
                pid_t pid = 0;
                if (!(words >> slug >> pid) || pid <= 0) continue;
                for (Member& member : members)
                    if (member.invocation->slug == slug) member.started_pid = pid, ++found;
            }
            if (found == members.size()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

    std::optional<pid_t> service_pid(const Member& member) const {
        if (member.invocation->service_pid_file.empty()) return std::nullopt;
        const std::string text = read_text(project / member.invocation->service_pid_file);
        if (text.empty()) return std::nullopt;
        return static_cast<pid_t>(std::stol(text));
    }

    // The tree that stands for the member: the job's, or for a look-alike that started a service
    // and exited, the service's.
    std::optional<pid_t> watched_pid(const Member& member) const {
        if (member.invocation->role == Role::LookAlike &&
            !member.invocation->service_pid_file.empty())
            return service_pid(member);
        return member.started_pid;
    }

    bool ready(const Member& member, const ProcessTable& table) const {
        const auto pid = watched_pid(member);
        if (!pid) return false;
        if (!member.invocation->service_pid_file.empty() && !service_pid(member)) return false;
        const std::vector<SeenProcess> tree = tree_of(table, *pid);
        std::istringstream names{std::string(member.invocation->ready_comm)};
        for (std::string name; names >> name;)
            for (const SeenProcess& process : tree)
                if (process.comm == name && process.state != 'Z') return true;
        return false;
    }

    // Waits until every member is ready; those that never were, each with its output.
    std::vector<std::string> wait_until_ready() const {
        const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
        for (;;) {
            const ProcessTable table = scan_processes(zoo->root());
            std::vector<std::string> waiting;
            for (const Member& member : members) {
                if (ready(member, table)) continue;
                const fs::path log =
                    project / "logs" / (std::string(member.invocation->slug) + ".log");
                waiting.push_back(fmt::format("{} (no {} in its tree; its output: {})",
                                              shown_command(*member.invocation),
                                              member.invocation->ready_comm, read_text(log)));
            }
            if (waiting.empty() || std::chrono::steady_clock::now() >= deadline) return waiting;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    // Splits the member's tree into what must end and what must survive.
    void take_snapshot(Member& member, const ProcessTable& table) const {
        const std::vector<SeenProcess> tree = tree_of(table, *watched_pid(member));
        if (member.invocation->role == Role::LookAlike) {
            member.must_stay = tree;
            return;
        }
        const auto service = service_pid(member);
        std::set<pid_t> service_tree;
        if (service)
            for (const SeenProcess& process : tree_of(table, *service))
                service_tree.insert(process.pid);
        for (const SeenProcess& process : tree)
            (service_tree.contains(process.pid) ? member.must_stay : member.must_go)
                .push_back(process);
    }

    void print_snapshot(const Member& member) const {
        fmt::print("[zoo] {:<10} {}\n",
                   member.invocation->role == Role::Deploy ? "deploy" : "look-alike",
                   shown_command(*member.invocation));
        for (const auto* group : {&member.must_go, &member.must_stay})
            for (const SeenProcess& process : *group)
                fmt::print("        {:<4} pid {:<4} ppid {:<4} pgid {:<4} sid {:<4} {:<16} {}\n",
                           group == &member.must_go ? "go" : "stay", process.pid, process.ppid,
                           process.pgid, process.session, process.comm, shown_argv(process.argv));
    }

    fs::path write_reaper_config() const {
        int replaced = 0;
        const std::string shipped =
            read_text(fs::path(SPAWNGATE_SOURCE_DIR) / "reaper/reaper.toml");
        const fs::path config = directory / "reaper.toml";
        write_text(config, with_short_ages(shipped, kShortAge, replaced));
        EXPECT_GT(replaced, 0) << "no older_than in the shipped reaper/reaper.toml";
        // spawnreaper refuses a config that others can write.
        EXPECT_EQ(::chown(config.c_str(), 0, 0), 0);
        EXPECT_EQ(::chmod(config.c_str(), 0644), 0);
        return config;
    }

    CommandRun run_one_reaper_cycle(const fs::path& config) const {
        const fs::path run = directory / "run";
        const Command reaper{
            {SPAWNREAPER_PATH, "--once", "--config", config.string(), "--log",
             (directory / "reaper.jsonl").string(), "--lock", (run / "reaper.lock").string(),
             "--heartbeat", (run / "reaper.heartbeat").string(), "--state",
             (run / "state.json").string()},
            {fmt::format("PATH={}", kZooPath)},
            directory.string(),
            (directory / "reaper.out").string()};
        // One cycle waits at most the shipped 10 s grace, then 5 s after KILL.
        return zoo->run_inside(reaper, std::chrono::seconds(45));
    }

    // Waits up to 3 s for every deploy's processes to be gone (a victim's exit and its parent's
    // wait take a moment after the reaper returns).
    void wait_for_deploys_to_end() const {
        for (int waited_ms = 0; waited_ms < 3000; waited_ms += 100) {
            bool any_running = false;
            for (const Member& member : members)
                for (const SeenProcess& process : member.must_go)
                    any_running = any_running || still_runs(zoo->root(), process);
            if (!any_running) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    std::vector<SeenProcess> running(const std::vector<SeenProcess>& processes) const {
        std::vector<SeenProcess> found;
        for (const SeenProcess& process : processes)
            if (still_runs(zoo->root(), process)) found.push_back(process);
        return found;
    }

    std::vector<SeenProcess> ended(const std::vector<SeenProcess>& processes) const {
        std::vector<SeenProcess> found;
        for (const SeenProcess& process : processes)
            if (!still_runs(zoo->root(), process)) found.push_back(process);
        return found;
    }
    // The outcome the user sees, for one member: what had to end has, what had to stay runs, and
    // a deploy was reaped by stale-deploy (printed with the matcher that caught it).
    void check_after_cycle(const Member& member, const std::vector<json>& decisions) const {
        const std::string command = shown_command(*member.invocation);
        std::set<pid_t> tree;
        for (const auto* group : {&member.must_go, &member.must_stay})
            for (const SeenProcess& process : *group) tree.insert(process.pid);
        const json* reap = nullptr;
        for (const json& decision : decisions)
            if (decision.value("action", "") == "reap" && tree.contains(decision.value("pid", 0)))
                reap = &decision;

        const std::vector<SeenProcess> still = running(member.must_go);
        const std::vector<SeenProcess> gone = ended(member.must_stay);
        EXPECT_TRUE(gone.empty()) << command << ": " << gone.size() << " of "
                                  << member.must_stay.size()
                                  << " processes that must survive were ended, first "
                                  << first_argv(gone);
        if (member.invocation->role == Role::LookAlike) {
            EXPECT_EQ(reap, nullptr) << command << " was reaped: " << reap->dump();
            return;
        }
        if (reap)
            fmt::print(
                "[zoo] reaped {}\n        victim pid {} ({}): '{}', program {}\n"
                "        rule {}: {}\n",
                command, (*reap)["pid"].get<int>(), text_of(*reap, "name"),
                text_of(*reap, "cmdline"), text_of(*reap, "program"), text_of(*reap, "rule"),
                text_of(*reap, "reason"));
        else
            fmt::print("[zoo] NOT REAPED {}: no decision names a process of its tree\n", command);
        EXPECT_TRUE(reap && text_of(*reap, "rule") == "stale-deploy")
            << command << ": no stale-deploy reap of its tree";
        EXPECT_TRUE(still.empty())
            << command << ": " << still.size() << " of " << member.must_go.size()
            << " processes still run, first " << first_argv(still);
    }
};

TEST_F(DeployZoo, EveryRealDeployTreeIsReapedAndEveryLookAlikeSurvives) {
    const std::vector<std::string> core_missing = choose_members();
    ASSERT_TRUE(core_missing.empty())
        << "the zoo needs bash, sh, python3, make and npm at least; missing: "
        << fmt::format("{}", fmt::join(core_missing, ", "));
    prepare_look_alike_files();

    std::string jobs;
    for (const Member& member : members)
        jobs += fmt::format("{}\t{}\t{}\n", member.invocation->slug, member.invocation->directory,
                            member.invocation->command);
    write_text(directory / "jobs.tsv", jobs);
    const fs::path started = directory / "started.txt";
    const auto start = std::chrono::steady_clock::now();
    std::string why_not;
    zoo = ZooNamespace::start(
        Command{{"/bin/bash", std::string(SPAWNGATE_SOURCE_DIR) + "/tests/zoo/session.sh",
                 (directory / "jobs.tsv").string(), started.string()},
                zoo_environment(),
                project.string(),
                (directory / "session.log").string()},
        why_not);
    if (!zoo) GTEST_SKIP() << "cannot make the zoo's PID and mount namespace: " << why_not;
    // The reaper must see the zoo only: the /proc it will read has our PID 1 as its PID 1.
    ASSERT_EQ(read_text(zoo->root().join("/proc/1/comm")), "zoo-init\n");
    ASSERT_TRUE(read_started_pids(started))
        << "the session did not start every job: " << read_text(directory / "session.log");

    const std::vector<std::string> not_ready = wait_until_ready();
    ASSERT_TRUE(not_ready.empty()) << "not ready after " << kReadyTimeout.count() << " s:\n  "
                                   << fmt::format("{}", fmt::join(not_ready, "\n  "));
    fmt::print("[zoo] {} members ready after {} ms\n", members.size(),
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count());
    std::this_thread::sleep_for(kPastShortAge);

    const ProcessTable before = scan_processes(zoo->root());
    const auto session = before.find(2);
    ASSERT_NE(session, before.end()) << "the session (PID 2) is gone";
    for (Member& member : members) {
        take_snapshot(member, before);
        print_snapshot(member);
    }

    const CommandRun cycle = run_one_reaper_cycle(write_reaper_config());
    const std::string reaper_output = read_text(directory / "reaper.out");
    fmt::print("[zoo] spawnreaper --once: exit {}\n{}", cycle.exit_code, reaper_output);
    EXPECT_EQ(cycle.exit_code, 0) << reaper_output;
    EXPECT_FALSE(cycle.timed_out);

    const std::vector<json> decisions = decisions_in(directory / "reaper.jsonl");
    wait_for_deploys_to_end();
    for (const Member& member : members) check_after_cycle(member, decisions);
    EXPECT_TRUE(still_runs(zoo->root(), session->second))
        << "the session (the login shell) was ended";
}

}  // namespace
}  // namespace spawngate::zoo
