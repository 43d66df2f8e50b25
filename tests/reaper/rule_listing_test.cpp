// `spawnreaper rules` on configs parsed from text: the table's columns hold whatever the names,
// and `--names` prints the names and nothing else.

#include "rule_listing.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "column_text.hpp"
#include "default_config.hpp"
#include "table_text.hpp"

namespace spawngate {
namespace {

ReaperConfig parsed(const std::string& text) {
    ConfigLoad load = parse_reaper_config(text, "test.toml");
    EXPECT_FALSE(load.error) << load.error->text();
    return load.config ? *load.config : ReaperConfig{};
}

using testkit::column_of;
using testkit::lines_of;

TEST(RuleListing, TableListsEveryRuleWithSignalGraceAndDescendants) {
    const auto lines = lines_of(format_rule_table(
        parsed("[[rule]]\nname = \"a\"\ncmdline = 'x'\nsignal = \"KILL\"\ngrace = \"90s\"\n"
               "[[rule]]\nname = \"b\"\nprocess_name = '^sh$'\nolder_than = \"2h\"\ndescendants = "
               "true\norphan = true\n")));
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "2 rules from test.toml");
    EXPECT_EQ(lines[1], "NAME  SIGNAL  GRACE  DESCENDANTS  MATCHES");
    EXPECT_EQ(lines[2], "a     KILL    90s    no           cmdline /x/");
    EXPECT_EQ(lines[3], "b     TERM    10s    yes          older than 2h, orphan, name /^sh$/");
}

TEST(RuleListing, ColumnsHoldForA200CharacterNameAndForControlBytes) {
    const std::string long_name(200, 'r');
    const auto lines = lines_of(format_rule_table(
        parsed("[[rule]]\nname = \"" + long_name + "\"\ncmdline = 'x'\n" +
               "[[rule]]\nname = \"two\\nlines\\u001b[2J\"\ncmdline = 'y'\n" +
               "[[rule]]\nname = \"s\"\ncmdline = '" + std::string(200, 'p') + "'\n")));
    ASSERT_EQ(lines.size(), 5u) << "a newline in a name must not make a row of its own";
    for (std::size_t row = 2; row < lines.size(); ++row) {
        EXPECT_EQ(column_of(lines[row], "TERM"), column_of(lines[1], "SIGNAL")) << lines[row];
        EXPECT_EQ(column_of(lines[row], "10s"), column_of(lines[1], "GRACE")) << lines[row];
        EXPECT_EQ(column_of(lines[row], "no "), column_of(lines[1], "DESCENDANTS")) << lines[row];
        EXPECT_EQ(column_of(lines[row], "cmdline /"), column_of(lines[1], "MATCHES")) << lines[row];
    }
    EXPECT_EQ(column_of(lines[1], "SIGNAL"), kRuleNameCap + 2);
    EXPECT_NE(lines[2].find(kCutMarker), std::string::npos);
    EXPECT_NE(lines[3].find("two?lines?[2J"), std::string::npos) << lines[3];
    EXPECT_LE(column_width(lines[4]), column_of(lines[1], "MATCHES") + kRuleMatchesCap);
}

TEST(RuleListing, MatcherSummaryNamesEveryMatcherPlainOnesFirst) {
    const ReaperConfig config = parsed(
        "[[rule]]\nname = \"all\"\nprocess_name = '^node$'\nexe = '/node$'\n"
        "program = '^dev$'\ncmdline = 'worker'\nolder_than = \"10m\"\norphan = true\n"
        "skip_session_leaders = true\nuser = \"root\"\ncgroup = \"/agents\"\n"
        "anon_memory_above = \"2GiB\"\nthreads_above = 500\n");
    EXPECT_EQ(describe_matchers(config.rules.at(0)),
              "older than 10m, orphan, not a session leader, user root, in cgroup /agents, "
              "anonymous memory > 2048 MiB, threads > 500, name /^node$/, exe //node$/, "
              "program /^dev$/, cmdline /worker/");
}

TEST(RuleListing, NamesAreTheRuleNamesOneALineAndNothingElse) {
    EXPECT_EQ(format_rule_names(parsed("[[rule]]\nname = \"first\"\ncmdline = 'x'\n"
                                       "[[rule]]\nname = \"bad\\nname\"\ncmdline = 'y'\n")),
              "first\nbad?name\n");
}

TEST(RuleListing, ShippedRulesAreListedByName) {
    const ConfigLoad load = parse_reaper_config(kDefaultReaperConfig, "built-in defaults");
    ASSERT_TRUE(load.config);
    EXPECT_EQ(format_rule_names(*load.config),
              "stale-deploy\norphaned-interpreter\nleaking-worker\n");
}

}  // namespace
}  // namespace spawngate
