// Issue 5, security: the escalation command is an argv array handed to the program as is, never
// a string for a shell. The configured command is a recorder program that writes the arguments
// it received; arguments full of shell syntax arrive byte for byte, and the markers that any
// shell interpreting them would create never appear.
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "reaper_sandbox.hpp"
#include "respawn_guard.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;
namespace fs = std::filesystem;

// Arguments a shell would split, expand, substitute or chain; markers/<n> appear if it did.
std::vector<std::string> hostile_arguments(const std::string& markers) {
    return {"a; touch " + markers + "/semicolon",
            "$(touch " + markers + "/dollar-paren)",
            "`touch " + markers + "/backtick`",
            "two words  and\ttabs",
            "\"double\" and 'single' quotes",
            "| touch " + markers + "/pipe && touch " + markers + "/and",
            "$HOME ${PATH} $0 * ? [a-z] ~",
            "",
            "line one\nline two",
            "\\ backslash \\n"};
}

// The arguments the recorder wrote to `record` (NUL-separated).
std::vector<std::string> recorded_arguments(const std::string& record) {
    const std::string text = testkit::read_text(record);
    std::vector<std::string> arguments;
    std::size_t start = 0;
    for (std::size_t nul; (nul = text.find('\0', start)) != std::string::npos; start = nul + 1)
        arguments.push_back(text.substr(start, nul - start));
    return arguments;
}

// A TOML basic string for `text`.
std::string toml_string(const std::string& text) {
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') quoted += '\\';
        if (c == '\n') {
            quoted += "\\n";
            continue;
        }
        if (c == '\t') {
            quoted += "\\t";
            continue;
        }
        quoted += c;
    }
    return quoted + "\"";
}

class EscalationArguments : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(sandbox.directory().empty());
        markers = sandbox.path("markers");
        fs::create_directories(markers);
        record = sandbox.path("record");
    }
    void expect_no_marker() const {
        for (const auto& entry : fs::directory_iterator(markers))
            ADD_FAILURE() << "a shell interpreted an argument: " << entry.path();
    }
    testkit::ReaperSandbox sandbox;
    std::string markers;
    std::string record;
};

TEST_F(EscalationArguments, EscalationCommandReceivesEveryArgumentLiterally) {
    std::vector<std::string> argv{ARGV_RECORDER_PATH, record};
    const std::vector<std::string> hostile = hostile_arguments(markers);
    argv.insert(argv.end(), hostile.begin(), hostile.end());
    const Problem problem = run_escalation_command(argv, R"({"event":"escalation"})");
    EXPECT_TRUE(problem.what.empty()) << problem.text();
    EXPECT_EQ(recorded_arguments(record), hostile);
    EXPECT_EQ(testkit::read_text(record + ".stdin"), "{\"event\":\"escalation\"}\n");
    expect_no_marker();
}

TEST_F(EscalationArguments, ReaperPassesTheConfiguredArrayToTheProgramAsIs) {
    if (::geteuid() != 0) GTEST_SKIP() << "the reaper scenario signals processes; needs root";
    const std::vector<std::string> hostile = hostile_arguments(markers);
    std::string command =
        "escalation_command = [" + toml_string(ARGV_RECORDER_PATH) + ", " + toml_string(record);
    for (const std::string& argument : hostile) command += ", " + toml_string(argument);
    sandbox.write_config("[reaper]\nrespawn_limit = 1\nrespawn_window = \"10m\"\n" + command +
                         "]\n");
    sandbox.start_sleeper();
    ASSERT_EQ(sandbox.run({}).exit_code, 0);  // reaps the first one
    sandbox.start_sleeper();                  // it came back: a respawn loop
    const ProcessResult escalated = sandbox.run({});
    EXPECT_EQ(escalated.exit_code, 0) << escalated.stderr_text;
    EXPECT_TRUE(contains(escalated.stderr_text, "ESCALATION")) << escalated.stderr_text;
    EXPECT_EQ(recorded_arguments(record), hostile);
    EXPECT_EQ(nlohmann::json::parse(testkit::read_text(record + ".stdin"))["event"], "escalation");
    expect_no_marker();
}

TEST_F(EscalationArguments, CommandThatIsNotAnAbsolutePathIsNeverLookedUpOrRun) {
    const Problem problem =
        run_escalation_command({"touch " + markers + "/relative", "x"}, R"({"event":"e"})");
    EXPECT_TRUE(contains(problem.what, "absolute path")) << problem.text();
    expect_no_marker();
}

}  // namespace
}  // namespace spawngate
