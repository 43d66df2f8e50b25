// The bash completion (hooks/bash-completion/) run the way bash runs it: a non-interactive bash
// without bash-completion's helpers sources the script, sets COMP_WORDS/COMP_CWORD/COMP_LINE/
// COMP_POINT as readline would for the words typed, calls the completion function, and the test
// reads COMPREPLY. Flag lists are held to each command's --help, both ways.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <regex>

#include "doc_text.hpp"
#include "fixture_tree.hpp"

namespace spawngate {
namespace {

using docs::listed;
using docs::missing_from;
using testkit::ProcessResult;
using testkit::ProcessRun;

// Sources the script, completes the last word of `words` (an empty last word is <TAB> after a
// space) and prints COMPREPLY one a line. The script is sourced with `set -u` off, as in an
// interactive shell; anything it writes to stderr fails the test.
constexpr const char* kHarness = R"sh(
script=$1 function=$2
shift 2
source "$script" || exit 90
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
status=$?
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}"
exit $status
)sh";

struct Completion {
    std::set<std::string> words;
    std::string stderr_text;
    int exit_code = -1;
};

Completion complete(const std::string& command, std::vector<std::string> typed) {
    ProcessRun process;
    process.arguments = {"--norc",     "--noprofile",
                         "-c",         kHarness,
                         "bash",       docs::source_file("hooks/bash-completion/" + command),
                         "_" + command};
    for (std::string& word : typed) process.arguments.push_back(std::move(word));
    process.environment = {"PATH=/usr/bin:/bin", "HOME=/nonexistent"};
    const ProcessResult result = testkit::run_process("/bin/bash", process);
    Completion completion;
    completion.exit_code = result.exit_code;
    completion.stderr_text = result.stderr_text;
    std::size_t start = 0;
    const std::string& out = result.stdout_text;
    while (start < out.size()) {
        const std::size_t end = std::min(out.find('\n', start), out.size());
        if (end > start) completion.words.insert(out.substr(start, end - start));
        start = end + 1;
    }
    return completion;
}

void expect_completes(const std::string& command, std::vector<std::string> typed,
                      const std::set<std::string>& expected) {
    std::string line;
    for (const auto& word : typed) line += word + " ";
    const Completion got = complete(command, std::move(typed));
    EXPECT_EQ(got.exit_code, 0) << line << "<TAB>: " << got.stderr_text;
    EXPECT_EQ(got.stderr_text, "") << line << "<TAB>";
    EXPECT_EQ(got.words, expected) << line << "<TAB> gave " << listed(got.words);
}

std::set<std::string> help_flags(const std::string& executable,
                                 std::vector<std::string> arguments) {
    const ProcessResult help = docs::run(executable, std::move(arguments));
    EXPECT_EQ(help.exit_code, 0) << help.stderr_text;
    return docs::flags_in(help.stdout_text);
}

// Sourcing hooks/bash-completion/COMMAND in a bare bash registers _COMMAND for COMMAND, quietly.
void expect_sourcing_registers(const std::string& command) {
    ProcessRun process;
    process.arguments = {"--norc", "--noprofile",
                         "-c",     "source \"$1\" && complete -p " + command,
                         "bash",   docs::source_file("hooks/bash-completion/" + command)};
    const ProcessResult result = testkit::run_process("/bin/bash", process);
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stderr_text, "");
    EXPECT_EQ(result.stdout_text, "complete -F _" + command + " " + command + "\n");
}

// --- spawngate ------------------------------------------------------------------------------

TEST(GateCompletion, SourcingRegistersIt) {
    expect_sourcing_registers("spawngate");
}

TEST(GateCompletion, FlagPrefixCompletesEveryFlagStartingWithIt) {
    expect_completes(
        "spawngate", {"spawngate", "--co"},
        {"--cost", "--config", "--codex-launches", "--context-window", "--context-block"});
}

// The flags of `spawngate --help` but for the usage line of `setup`, whose flags are its own.
TEST(GateCompletion, FlagsAreTheFlagsOfHelp) {
    const ProcessResult result = docs::run(docs::built_gate(), {"--help"});
    ASSERT_EQ(result.exit_code, 0);
    std::string options;
    for (std::size_t start = 0; start < result.stdout_text.size();) {
        const std::size_t end =
            std::min(result.stdout_text.find('\n', start), result.stdout_text.size());
        const std::string line = result.stdout_text.substr(start, end - start);
        if (line.find("spawngate setup ") == std::string::npos) options += line + "\n";
        start = end + 1;
    }
    const std::set<std::string> help = docs::flags_in(options);
    const Completion got = complete("spawngate", {"spawngate", "--"});
    EXPECT_TRUE(missing_from(help, got.words).empty())
        << "spawngate --<TAB> lacks " << listed(missing_from(help, got.words));
    EXPECT_TRUE(missing_from(got.words, help).empty())
        << "spawngate --<TAB> offers " << listed(missing_from(got.words, help))
        << ", which spawngate --help does not name";
}

TEST(GateCompletion, StatusTakesTheSameFlags) {
    expect_completes("spawngate", {"spawngate", "status", "--pro"}, {"--prometheus"});
}

TEST(GateCompletion, FirstWordCompletesCommands) {
    expect_completes("spawngate", {"spawngate", ""}, {"check", "status", "setup", "help"});
}

// The values --hook takes, as the gate itself lists them when given a wrong one.
TEST(GateCompletion, HookCompletesEveryProtocolTheGateTakes) {
    const ProcessResult wrong = docs::run(docs::built_gate(), {"--hook", "no-such-protocol"});
    ASSERT_EQ(wrong.exit_code, 64);
    std::set<std::string> taken;
    const std::string list = wrong.stderr_text.substr(wrong.stderr_text.find("expected "));
    static const std::regex word(R"([a-z][a-z-]*)");
    for (auto it = std::sregex_iterator(list.begin(), list.end(), word);
         it != std::sregex_iterator(); ++it)
        if (it->str() != "or" && it->str() != "expected") taken.insert(it->str());
    EXPECT_EQ(taken,
              (std::set<std::string>{"claude", "claude-post", "gemini", "gemini-post", "codex"}));
    expect_completes("spawngate", {"spawngate", "--hook", ""}, taken);
    expect_completes("spawngate", {"spawngate", "--hook", "gem"}, {"gemini", "gemini-post"});
}

TEST(GateCompletion, SetupCompletesTheAgentCLIs) {
    expect_completes("spawngate", {"spawngate", "setup", ""}, {"claude", "gemini", "codex"});
    expect_completes("spawngate", {"spawngate", "setup", "claude", ""}, {});
}

TEST(GateCompletion, SetupFlagsAreTheFlagsOfSetupHelp) {
    const std::set<std::string> help = help_flags(docs::built_gate(), {"setup", "--help"});
    const Completion got = complete("spawngate", {"spawngate", "setup", "codex", "--"});
    EXPECT_FALSE(got.words.empty());
    EXPECT_EQ(got.words, help) << "spawngate setup codex --<TAB> gave " << listed(got.words)
                               << "; spawngate setup --help names " << listed(help);
}

class CompletionFiles : public ::testing::Test {
  protected:
    CompletionFiles() {
        tree.write("/files/reaper-a.toml", "");
        tree.write("/files/reaper-b.toml", "");
        tree.write("/files/other.txt", "");
        tree.make_directory("/files/reaper-dir");
    }
    std::string file(std::string_view name) const {
        return tree.path_of("/files/" + std::string(name));
    }
    testkit::FixtureTree tree;
};

TEST_F(CompletionFiles, FileFlagCompletesFileNames) {
    expect_completes("spawngate", {"spawngate", "--config", file("reaper-")},
                     {file("reaper-a.toml"), file("reaper-b.toml"), file("reaper-dir")});
    expect_completes("spawngate", {"spawngate", "status", "--prometheus", file("oth")},
                     {file("other.txt")});
    expect_completes("spawngate", {"spawngate", "--reaper-config", file("reaper-a")},
                     {file("reaper-a.toml")});
}

TEST_F(CompletionFiles, FileFlagWithEqualsCompletesTheValue) {
    // bash splits "--config=x" at '=' (COMP_WORDBREAKS): the words are "--config" "=" "x".
    expect_completes("spawngate", {"spawngate", "--config", "=", file("oth")}, {file("other.txt")});
    // Without '=' in COMP_WORDBREAKS it is one word, replaced whole.
    expect_completes("spawngate", {"spawngate", "--config=" + file("oth")},
                     {"--config=" + file("other.txt")});
}

TEST_F(CompletionFiles, DirectoryFlagCompletesDirectoriesOnly) {
    expect_completes("spawngate", {"spawngate", "--state-dir", file("reaper-")},
                     {file("reaper-dir")});
    expect_completes("spawngate", {"spawngate", "setup", "gemini", "--project", file("reaper-")},
                     {file("reaper-dir")});
}

TEST(GateCompletion, ValueOfANumericFlagOffersNothing) {
    expect_completes("spawngate", {"spawngate", "--cost", ""}, {});
}

// --- spawnreaper ----------------------------------------------------------------------------

TEST(ReaperCompletion, SourcingRegistersIt) {
    expect_sourcing_registers("spawnreaper");
}

TEST(ReaperCompletion, FirstWordCompletesSubcommands) {
    expect_completes("spawnreaper", {"spawnreaper", ""}, {"match", "rules"});
}

TEST(ReaperCompletion, FlagsAreTheFlagsOfEachCommandsHelp) {
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands{
        {{"--help"}, {"spawnreaper", "--"}},
        {{"match", "--help"}, {"spawnreaper", "match", "--"}},
        {{"rules", "--help"}, {"spawnreaper", "rules", "--"}},
    };
    for (const auto& [help_arguments, typed] : commands) {
        const std::set<std::string> help = help_flags(docs::built_reaper(), help_arguments);
        const Completion got = complete("spawnreaper", typed);
        EXPECT_FALSE(got.words.empty()) << help_arguments.front();
        EXPECT_EQ(got.words, help) << "completing after " << typed[typed.size() - 2] << " gave "
                                   << listed(got.words) << "; --help names " << listed(help);
    }
}

TEST_F(CompletionFiles, ReaperFileFlagsCompleteFileNames) {
    for (const char* flag : {"--config", "--log", "--lock", "--heartbeat", "--state", "--metrics"})
        expect_completes("spawnreaper", {"spawnreaper", flag, file("oth")}, {file("other.txt")});
}

// `spawnreaper match <TAB>` asks the spawnreaper being completed for the rules of the config
// typed on the line.
TEST(ReaperCompletion, MatchCompletesRuleNamesOfTheConfigInUse) {
    const ProcessResult names = docs::run(docs::built_reaper(), {"rules", "--names"});
    if (names.exit_code != 0)
        GTEST_SKIP() << "the built spawnreaper has no `rules --names` yet (exit " << names.exit_code
                     << "): " << names.stderr_text;
    testkit::FixtureTree tree;
    tree.write("/reaper.toml",
               "[[rule]]\nname = \"alpha-deploy\"\nprocess_name = \"^alpha$\"\n"
               "[[rule]]\nname = \"beta-worker\"\nprocess_name = \"^beta$\"\n"
               "[[rule]]\nname = \"alpha-orphan\"\nprocess_name = \"^gamma$\"\n");
    const std::string config = tree.path_of("/reaper.toml");
    ::chmod(config.c_str(), 0644);
    const std::string reaper = docs::built_reaper();
    expect_completes("spawnreaper", {reaper, "--config", config, "match", ""},
                     {"alpha-deploy", "beta-worker", "alpha-orphan"});
    expect_completes("spawnreaper", {reaper, "--config", config, "match", "alpha-"},
                     {"alpha-deploy", "alpha-orphan"});
    expect_completes("spawnreaper", {reaper, "match", "--config", config, "b"}, {"beta-worker"});
    expect_completes("spawnreaper", {reaper, "--config", "=", config, "match", "b"},
                     {"beta-worker"});
    // One rule per match: nothing after it.
    expect_completes("spawnreaper", {reaper, "--config", config, "match", "beta-worker", ""}, {});
}

TEST(ReaperCompletion, MatchWithAConfigThatDoesNotLoadOffersNothing) {
    expect_completes("spawnreaper",
                     {docs::built_reaper(), "--config", "/nonexistent/reaper.toml", "match", ""},
                     {});
}

}  // namespace
}  // namespace spawngate
