// The real Gemini CLI (the version pinned in tests/conformance/pinned_clis.txt) with spawngate's
// shipped hook snippet (hooks/gemini-cli/settings.json, only the binary's path replaced), driven
// headless against mock_gemini.py, inside a real pids cgroup filled to a chosen level. What the
// user and the model see is asserted: whether the tool ran (a marker file; for a subagent, whether
// its own loop reached the model), what the model received as the tool's result, and that no
// fork was ever refused at the limit (pids.events).
//
// The contract: at >= 85 % a subagent launch and a background shell are blocked, with the
// reason seen by the model, while a foreground shell and the recovery commands (`kill`,
// `spawnreaper --once`) still run; at the warn level the warning reaches the model.
//
// The levels are set with a thread holder in a cgroup with pids.max 400, counting the CLI's own
// tasks (FINDINGS.md, measured with 0.61.0): two node processes of 11 threads each (the CLI
// relaunches itself with a larger heap), plus the gate's one process while it runs (the CLI runs
// hooks as `bash -c COMMAND`, and bash execs a single command). Each level is ~7 points (28
// tasks) from a threshold, so a few more or fewer CLI threads cannot move a verdict. pids.max is
// not larger because the gate also warns when a cgroup holds more than 400 threads (thread_warn),
// which would speak up even below the warn level; at 92 % there are still 32 tasks of headroom
// for the CLI's shells.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gemini_session.hpp"
#include "pids_cgroup_fixture.hpp"
#include "run_process.hpp"
#include "scoped_temp_dir.hpp"

namespace spawngate::conformance {
namespace {

using integration::GateRun;
using integration::ScopedPidsCgroup;
using integration::ScopedTempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kPidsMax = 400;
constexpr int kCliTasks = 22;  // 2 node processes x 11 threads, measured with 0.61.0
constexpr int kGateTasks = 1;  // the hook's own process while it measures
constexpr int kBelowWarn = 50;
constexpr int kBetweenWarnAndBlock = 78;
constexpr int kAboveBlock = 92;
constexpr auto kCliLimit = std::chrono::seconds(60);

bool python3_on_path() {
    const char* path = std::getenv("PATH");
    std::string directories = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= directories.size();) {
        const std::size_t end = std::min(directories.find(':', start), directories.size());
        const std::string candidate = directories.substr(start, end - start) + "/python3";
        if (::access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

// What one headless session left behind.
struct Session {
    CliRun run;
    std::vector<nlohmann::json> requests;  // every request the mock received, in order
};

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class GeminiCliInRealPidsCgroup : public integration::GateInRealPidsCgroup {
  protected:
    void SetUp() override {
        GateInRealPidsCgroup::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        const CliInstall& install = install_gemini_cli();
        if (!install.skip_reason.empty())
            GTEST_SKIP() << "the pinned Gemini CLI cannot be installed here (install_cli.sh "
                            "exited 77): "
                         << install.skip_reason;
        ASSERT_EQ(install.failure, "") << "installing the pinned Gemini CLI failed";
        if (!python3_on_path()) GTEST_SKIP() << "mock_gemini.py needs python3 on PATH";

        ASSERT_FALSE(scratch_.path().empty()) << "cannot create a temp dir in /tmp";
        session_.bin_directory = install.bin_directory;
        session_.scratch = scratch_.path();
        session_.home = scratch_.file("home");
        session_.project = scratch_.file("project");
        session_.gate_config = scratch_.file("spawngate.toml");
        std::filesystem::create_directories(session_.home + "/.gemini");
        std::filesystem::create_directories(session_.project);
        ASSERT_TRUE(scratch_.write("spawngate.toml", ""));
        std::string error;
        const std::string settings = gemini_settings(snippet_path(), SPAWNGATE_PATH, error);
        ASSERT_EQ(error, "");
        ASSERT_TRUE(scratch_.write("home/.gemini/settings.json", settings));

        work_ = make_cgroup("gemini", kPidsMax);
        ASSERT_TRUE(work_);
    }

    static std::string snippet_path() {
        return std::string(SPAWNGATE_SOURCE_DIR) + "/hooks/gemini-cli/settings.json";
    }

    // Fills the work cgroup so that the gate, running as the CLI's hook, sees `percent` of
    // pids.max in use before the launch's cost.
    void fill_to(int percent) {
        const int holder = percent * static_cast<int>(kPidsMax) / 100 - kCliTasks - kGateTasks;
        ASSERT_TRUE(add_thread_holder(*work_, holder));
    }

    // One headless session whose model first calls `tool` with `args`, then answers text.
    Session drive(std::string_view tool, const nlohmann::json& args) {
        Session session;
        MockGemini mock(scratch_.path(), call_script(tool, args));
        if (!mock.error().empty()) {
            ADD_FAILURE() << mock.error();
            return session;
        }
        session_.base_url = mock.base_url();
        session.run = run_gemini_in(*work_, session_, "Use the tool you are given.", kCliLimit);
        session.requests = mock.requests();
        EXPECT_EQ(session.run.failure, "");
        EXPECT_FALSE(session.run.timed_out) << "the CLI did not finish within 60 s";
        EXPECT_EQ(session.run.exit_code, 0) << "stderr: " << session.run.stderr_text;
        EXPECT_EQ(fork_failures(work_->directory()), 0u)
            << "a fork was refused at pids.max in " << work_->directory();
        return session;
    }

    // The model's view of the tool's result; "" (with a failure) when the model never got one.
    static std::string model_received(const Session& session, std::string_view tool) {
        const auto response = function_response_for(session.requests, tool);
        if (!response) {
            ADD_FAILURE() << "no request carried a functionResponse for " << tool
                          << "; CLI stderr: " << session.run.stderr_text;
            return {};
        }
        return *response;
    }

    std::string marker(std::string_view name) const {
        return session_.project + "/" + std::string(name);
    }
    static bool exists(const std::string& path) { return std::filesystem::exists(path); }

    static nlohmann::json shell(const std::string& command, bool in_background) {
        nlohmann::json args = {{"command", command}, {"description", "conformance step"}};
        if (in_background) args["is_background"] = true;
        return args;
    }

    static nlohmann::json subagent_launch() {
        return {{"agent_name", "generalist"},
                {"prompt", "Survey the tests that touch cgroups and report back."}};
    }

    std::string blocked_prefix() const {
        return "spawngate: blocked: pids limit of cgroup " + work_->path();
    }

    const ScopedPidsCgroup* work_ = nullptr;

    // Replaces the session's settings with `spawngate setup gemini`'s work: the same settings
    // without hooks, then the built gate's setup merging its own into them.
    void install_hooks_with_setup() {
        std::string error;
        nlohmann::json settings =
            nlohmann::json::parse(gemini_settings(snippet_path(), SPAWNGATE_PATH, error));
        ASSERT_EQ(error, "");
        settings.erase("hooks");
        ASSERT_TRUE(scratch_.write("home/.gemini/settings.json", settings.dump(2)));
        testkit::ProcessRun setup;
        setup.arguments = {"setup", "gemini", "--gate", SPAWNGATE_PATH};
        setup.environment = {"PATH=/usr/bin:/bin", "HOME=" + session_.home};
        const testkit::ProcessResult result = testkit::run_process(SPAWNGATE_PATH, setup);
        ASSERT_EQ(result.exit_code, 0) << result.stderr_text;
        const nlohmann::json merged =
            nlohmann::json::parse(read_text(session_.home + "/.gemini/settings.json"));
        ASSERT_TRUE(merged.contains("hooks")) << merged.dump();
        ASSERT_EQ(merged["security"], settings["security"]) << "setup kept the auth settings";
    }

  private:
    ScopedTempDir scratch_{"spawngate-gemini"};
    CliSession session_;
};

TEST_F(GeminiCliInRealPidsCgroup, BlocksASubagentLaunchAboveTheBlockLevelWithTheReasonForTheModel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));

    const Session session = drive("invoke_agent", subagent_launch());

    EXPECT_FALSE(subagent_reached_the_model(session.requests)) << "the subagent ran";
    EXPECT_THAT(model_received(session, "invoke_agent"), HasSubstr(blocked_prefix()));
}

TEST_F(GeminiCliInRealPidsCgroup, HooksInstalledBySpawngateSetupFire) {
    ASSERT_NO_FATAL_FAILURE(install_hooks_with_setup());
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));

    const Session session = drive("invoke_agent", subagent_launch());

    EXPECT_FALSE(subagent_reached_the_model(session.requests)) << "the subagent ran";
    EXPECT_THAT(model_received(session, "invoke_agent"), HasSubstr(blocked_prefix()));
}

TEST_F(GeminiCliInRealPidsCgroup, LetsASubagentLaunchRunSilentlyBelowTheWarnLevel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kBelowWarn));

    const Session session = drive("invoke_agent", subagent_launch());

    EXPECT_TRUE(subagent_reached_the_model(session.requests)) << "the subagent did not run";
    EXPECT_THAT(model_received(session, "invoke_agent"), Not(HasSubstr("spawngate")));
}

TEST_F(GeminiCliInRealPidsCgroup, WarnsTheModelAboutASubagentLaunchBetweenWarnAndBlock) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kBetweenWarnAndBlock));

    const Session session = drive("invoke_agent", subagent_launch());

    EXPECT_TRUE(subagent_reached_the_model(session.requests)) << "the subagent did not run";
    EXPECT_THAT(model_received(session, "invoke_agent"),
                HasSubstr("spawngate: warning: pids limit of cgroup " + work_->path()));
}

TEST_F(GeminiCliInRealPidsCgroup,
       BlocksABackgroundShellAboveTheBlockLevelWithTheReasonForTheModel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));

    const Session session =
        drive("run_shell_command", shell("touch " + marker("background-ran"), true));

    EXPECT_FALSE(exists(marker("background-ran"))) << "the background command ran";
    EXPECT_THAT(model_received(session, "run_shell_command"), HasSubstr(blocked_prefix()));
}

TEST_F(GeminiCliInRealPidsCgroup, WarnsTheModelAboutABackgroundShellBetweenWarnAndBlock) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kBetweenWarnAndBlock));

    const Session session =
        drive("run_shell_command", shell("touch " + marker("background-ran"), true));

    EXPECT_TRUE(exists(marker("background-ran"))) << "the background command did not run";
    EXPECT_THAT(model_received(session, "run_shell_command"),
                HasSubstr("spawngate: warning: pids limit of cgroup " + work_->path()));
}

TEST_F(GeminiCliInRealPidsCgroup, RunsAForegroundShellAboveTheBlockLevel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));

    const Session session =
        drive("run_shell_command", shell("touch " + marker("foreground-ran"), false));

    EXPECT_TRUE(exists(marker("foreground-ran"))) << "the foreground command was blocked";
    EXPECT_THAT(model_received(session, "run_shell_command"),
                Not(HasSubstr("Tool execution blocked")));
}

TEST_F(GeminiCliInRealPidsCgroup, RunsKillAboveTheBlockLevel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));

    const Session session =
        drive("run_shell_command", shell("kill -0 $$ && touch " + marker("kill-ran"), false));

    EXPECT_TRUE(exists(marker("kill-ran"))) << "`kill -0 $$` was blocked";
    EXPECT_THAT(model_received(session, "run_shell_command"),
                Not(HasSubstr("Tool execution blocked")));
}

TEST_F(GeminiCliInRealPidsCgroup, RunsSpawnreaperOnceAboveTheBlockLevel) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));
    // A dry run with no log, heartbeat or state, and its lock in the project: nothing outside
    // the test is touched, but the reaper runs its whole cycle.
    const std::string command = std::string(SPAWNREAPER_PATH) +
                                " --once --dry-run --log '' --heartbeat '' --state '' --lock " +
                                marker("reaper.lock") + " > " + marker("reaper-ran") + " 2>&1";

    const Session session = drive("run_shell_command", shell(command, false));

    ASSERT_TRUE(exists(marker("reaper-ran"))) << "`spawnreaper --once` was blocked";
    std::ifstream output(marker("reaper-ran"));
    const std::string reaper_said(std::istreambuf_iterator<char>(output), {});
    EXPECT_THAT(reaper_said, HasSubstr("cycle 1:"));
    EXPECT_THAT(model_received(session, "run_shell_command"),
                Not(HasSubstr("Tool execution blocked")));
}

// Gemini CLI itself never sends bad input: it writes JSON.stringify() of the input object it
// builds (hookRunner.executeCommandHook), so every hook sees one complete JSON object. The gate
// must still answer garbage the way Gemini reads it, so it is fed directly, in the same cgroup,
// with the snippet's own arguments: an exit-0 JSON object that allows (fail-open by default),
// never a plain-text answer (which Gemini would turn into an allow with that text as message).
TEST_F(GeminiCliInRealPidsCgroup, AnswersBadHookInputWithAnAllowingJsonObject) {
    ASSERT_NO_FATAL_FAILURE(fill_to(kAboveBlock));
    const auto commands = snippet_gate_commands(snippet_path());
    ASSERT_FALSE(commands.empty()) << snippet_path() << " has no command hook";

    for (const auto& arguments : commands) {
        const GateRun run = run_gate(*work_, arguments, "{\"tool_name\": \"run_shell_comm");

        EXPECT_EQ(run.exit_code, 0) << ::testing::PrintToString(arguments);
        const nlohmann::json answer = parse_json(run.stdout_text);
        ASSERT_TRUE(answer.is_object()) << "stdout: " << run.stdout_text;
        EXPECT_NE(answer.value("decision", ""), "deny") << answer;
        EXPECT_THAT(answer.dump(), HasSubstr("cannot judge this tool call"));
    }
    EXPECT_EQ(fork_failures(work_->directory()), 0u);
}

}  // namespace
}  // namespace spawngate::conformance
