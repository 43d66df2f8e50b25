// `spawnreaper match` output on plain structs: whatever a process is called, the columns hold.

#include "match_report.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "column_text.hpp"
#include "fmt/format.h"
#include "table_text.hpp"

namespace spawngate {
namespace {

Rule rule_named(const std::string& name) {
    Rule rule;
    rule.name = name;
    return rule;
}

Decision match_of(pid_t pid, const std::string& name, const std::string& cmdline,
                  const std::string& cgroup) {
    Decision decision;
    decision.victim.pid = pid;
    decision.victim.name = name;
    decision.victim.age_ms = 130'500;
    decision.victim.cmdline = cmdline;
    decision.victim.program = "deploy.sh";
    decision.victim.cgroup = cgroup;
    decision.reason = "cmdline ~ /deploy/";
    return decision;
}

using testkit::column_of;
using testkit::lines_of;

TEST(MatchReport, CountLineSaysHowManyProcessesTheRuleMatchesNow) {
    EXPECT_EQ(format_match_report(rule_named("m"), {}), "rule m matches 0 processes now\n");
    const std::string one =
        format_match_report(rule_named("m"), {match_of(42, "sleep", "deploy 1", "/agents")});
    EXPECT_EQ(lines_of(one).front(), "rule m matches 1 process now");
}

TEST(MatchReport, EveryRowStartsItsColumnsUnderTheHeaderWhateverTheNameLength) {
    const std::string long_name(200, 'n');
    const std::string long_cgroup = "/" + std::string(200, 'c') + "/leaf.scope";
    const std::vector<Decision> matches{
        match_of(7, "sh", "deploy short", "/a"),
        match_of(123456, long_name, "deploy " + std::string(200, 'x'), long_cgroup),
        match_of(99, "python3", "deploy py", "/agents/b")};
    const auto lines = lines_of(format_match_report(rule_named("stale"), matches));
    // count, header, then each process: its row and its "why" line
    ASSERT_EQ(lines.size(), 2u + 2 * matches.size());
    const std::string& header = lines[1];
    const std::size_t command_column = column_of(header, "COMMAND");
    const std::size_t cgroup_column = column_of(header, "CGROUP");
    const std::size_t program_column = column_of(header, "PROGRAM");
    for (const std::size_t row : {2u, 4u, 6u}) {
        EXPECT_EQ(column_of(lines[row], "deploy "), command_column) << lines[row];
        EXPECT_EQ(column_of(lines[row], "deploy.sh"), program_column) << lines[row];
        // A long cgroup path keeps its end: the cell starts with the marker.
        const std::string cgroup_start = row == 4 ? std::string(kCutMarker) + "c" : "/";
        EXPECT_EQ(column_of(lines[row], cgroup_start), cgroup_column) << lines[row];
    }
    EXPECT_NE(lines[4].find(kCutMarker), std::string::npos) << "a 200-character name is cut";
    EXPECT_NE(lines[4].find("c/leaf.scope "), std::string::npos) << "a cut path keeps its leaf";
    EXPECT_LE(column_width(lines[4]), 2 + 6 + 2 + 6 + 2 + kMatchNameCap + 2 + 9 + 2 +
                                          kMatchCgroupCap + 2 + kMatchCommandCap);
}

TEST(MatchReport, PidsAreRightAlignedUnderTheirHeader) {
    const auto lines = lines_of(format_match_report(
        rule_named("m"), {match_of(7, "a", "deploy", "/"), match_of(123456, "b", "deploy", "/")}));
    EXPECT_EQ(lines[1].substr(0, 8), "     PID");
    EXPECT_EQ(lines[2].substr(0, 8), "       7");
    EXPECT_EQ(lines[4].substr(0, 8), "  123456");
}

TEST(MatchReport, NewlinesAndControlBytesInANameCannotForgeALine) {
    const std::vector<Decision> matches{
        match_of(10, "evil\nrule x matches", "deploy\n  666  1s  fake\r\x1b[2J", "/a\tb"),
        match_of(11, "ok", "deploy ok", "/a")};
    const std::string report = format_match_report(rule_named("m"), matches);
    const auto lines = lines_of(report);
    ASSERT_EQ(lines.size(), 6u) << report;
    EXPECT_NE(lines[2].find("evil?rule x matches"), std::string::npos) << lines[2];
    EXPECT_NE(lines[2].find("deploy?  666  1s  fake??[2J"), std::string::npos) << lines[2];
    EXPECT_EQ(report.find('\x1b'), std::string::npos);
    EXPECT_EQ(report.find('\r'), std::string::npos);
    EXPECT_EQ(column_of(lines[2], "deploy?"), column_of(lines[1], "COMMAND"));
    EXPECT_EQ(column_of(lines[4], "deploy ok"), column_of(lines[1], "COMMAND"));
}

TEST(MatchReport, UnknownCellsShowADash) {
    Decision decision = match_of(5, "sh", "", "");
    decision.victim.cmdline.reset();
    decision.victim.program.reset();
    decision.victim.cgroup.reset();
    const auto lines = lines_of(format_match_report(rule_named("m"), {decision}));
    std::istringstream row(lines[2]);
    std::vector<std::string> cells;
    for (std::string cell; row >> cell;) cells.push_back(cell);
    EXPECT_EQ(cells, (std::vector<std::string>{"5", "130.5s", "sh", "-", "-", "-"})) << lines[2];
}

TEST(MatchReport, DetailsSayWhySparedAndWhatElseGoes) {
    Decision decision = match_of(20, "sh", "deploy", "/a");
    decision.kind = DecisionKind::Spared;
    decision.spared_by = Exclusion::Protected;
    decision.descendants = {ProcessRef{21, 0, "child", {}, {}}, ProcessRef{22, 0, "c2", {}, {}}};
    decision.spared_descendants = {
        SparedProcess{ProcessRef{23, 0, "sshd\n", {}, {}}, Exclusion::Protected}};
    const std::string report = format_match_report(rule_named("m"), {decision});
    EXPECT_NE(report.find("\n       why: cmdline ~ /deploy/\n"), std::string::npos) << report;
    EXPECT_NE(report.find(fmt::format("spared: {}\n", describe(Exclusion::Protected))),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("with 2 descendants\n"), std::string::npos);
    EXPECT_NE(report.find("sparing descendant pid 23 (sshd?): "), std::string::npos) << report;
}

}  // namespace
}  // namespace spawngate
