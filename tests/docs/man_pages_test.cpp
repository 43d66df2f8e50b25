// The man pages (man/*.scd.in) held to the real commands, both ways, so they cannot drift: every
// flag a command's --help names is defined in its page's section, and every flag the section
// defines is in --help; the version the pages show is the one the commands print.
#include <gtest/gtest.h>

#include "doc_text.hpp"

namespace spawngate {
namespace {

using docs::listed;
using docs::missing_from;
using docs::run;
using testkit::ProcessResult;

// --- every command's --help against its section of the man page ----------------------------

struct CommandPage {
    const char* name;  // for the test name
    bool reaper;       // which executable
    std::vector<std::string> arguments;
    const char* page;     // under man/
    const char* section;  // "# OPTIONS" or the "## setup" subsection, ...
};

std::ostream& operator<<(std::ostream& out, const CommandPage& command) {
    return out << command.name;
}

class HelpAndManPage : public ::testing::TestWithParam<CommandPage> {
  protected:
    std::string command_line() const {
        std::string line = GetParam().reaper ? "spawnreaper" : "spawngate";
        for (const auto& argument : GetParam().arguments) line += " " + argument;
        return line;
    }
    ProcessResult help() const {
        return run(GetParam().reaper ? docs::built_reaper() : docs::built_gate(),
                   GetParam().arguments);
    }
    std::set<std::string> documented() const {
        const std::string page = docs::read_text(docs::source_file("man/") + GetParam().page);
        const std::string section = docs::scd_section(page, GetParam().section, false);
        EXPECT_FALSE(section.empty())
            << GetParam().page << " has no section '" << GetParam().section << "'";
        return docs::defined_flags(section);
    }
};

TEST_P(HelpAndManPage, HelpExitsZeroAndPrintsItsFlagsOnStdout) {
    const ProcessResult result = help();
    EXPECT_EQ(result.exit_code, 0) << command_line() << ": " << result.stderr_text;
    EXPECT_FALSE(docs::flags_in(result.stdout_text).empty())
        << command_line() << " printed no flag on stdout";
}

// Anywhere in the page: `spawngate --help` also shows the usage of `setup`, whose flags the
// page defines under "setup". The other way round (below) holds each section to its command.
TEST_P(HelpAndManPage, EveryFlagOfHelpIsDefinedInTheManPage) {
    const std::string page = docs::read_text(docs::source_file("man/") + GetParam().page);
    const std::set<std::string> missing =
        missing_from(docs::flags_in(help().stdout_text), docs::defined_flags(page));
    EXPECT_TRUE(missing.empty()) << command_line() << " names " << listed(missing) << ", which man/"
                                 << GetParam().page
                                 << " does not define (a line starting *--flag*)";
}

TEST_P(HelpAndManPage, EveryFlagTheManPageDefinesIsInHelp) {
    const ProcessResult result = help();
    const std::set<std::string> missing =
        missing_from(documented(), docs::flags_in(result.stdout_text));
    EXPECT_TRUE(missing.empty()) << "man/" << GetParam().page << " defines " << listed(missing)
                                 << " under '" << GetParam().section << "', which "
                                 << command_line() << " does not name";
}

INSTANTIATE_TEST_SUITE_P(
    Commands, HelpAndManPage,
    ::testing::Values(
        CommandPage{"spawngate", false, {"--help"}, "spawngate.1.scd.in", "OPTIONS"},
        CommandPage{"spawngate_setup", false, {"setup", "--help"}, "spawngate.1.scd.in", "setup"},
        CommandPage{"spawnreaper", true, {"--help"}, "spawnreaper.8.scd.in", "OPTIONS"},
        CommandPage{
            "spawnreaper_match", true, {"match", "--help"}, "spawnreaper.8.scd.in", "match"},
        CommandPage{
            "spawnreaper_rules", true, {"rules", "--help"}, "spawnreaper.8.scd.in", "rules"}),
    [](const ::testing::TestParamInfo<CommandPage>& param) {
        return std::string(param.param.name);
    });

// --- versions ------------------------------------------------------------------------------

TEST(ManPages, VersionLinesAreWhatTheCommandsPrint) {
    for (const bool reaper : {false, true}) {
        const std::string name = reaper ? "spawnreaper" : "spawngate";
        const ProcessResult result =
            run(reaper ? docs::built_reaper() : docs::built_gate(), {"--version"});
        EXPECT_EQ(result.exit_code, 0) << name << " --version: " << result.stderr_text;
        EXPECT_EQ(result.stdout_text, name + " " + docs::project_version() + "\n");
        const std::string page = docs::read_text(
            docs::source_file(reaper ? "man/spawnreaper.8.scd.in" : "man/spawngate.1.scd.in"));
        EXPECT_NE(page.find("Print \"" + name + " @PROJECT_VERSION@\""), std::string::npos)
            << name << "'s page does not document what --version prints";
    }
}

TEST(ManPages, RenderedPagesCarryTheProjectVersion) {
    const std::string dir = docs::built_man_dir();
    if (dir.empty()) GTEST_SKIP() << "configured with -DSPAWNGATE_MAN=OFF: no pages are built";
    for (const char* page :
         {"spawngate.1", "spawnreaper.8", "spawngate.toml.5", "spawnreaper.toml.5"}) {
        const std::string roff = docs::read_text(dir + "/" + page);
        ASSERT_FALSE(roff.empty()) << dir << "/" << page << " is missing or empty";
        EXPECT_NE(roff.find("spawngate " + docs::project_version()), std::string::npos)
            << page << " does not show version " << docs::project_version();
        EXPECT_EQ(roff.find("@PROJECT_VERSION@"), std::string::npos) << page;
    }
}

}  // namespace
}  // namespace spawngate
