// The textfile-collector metrics: counters that survive between --once runs, labels escaped.

#include <gtest/gtest.h>

#include "reap_metrics.hpp"

namespace spawngate {
namespace {

DecisionRecord record(const std::string& rule, Action action, Outcome outcome) {
    DecisionRecord made;
    made.decision.rule_name = rule;
    made.action = action;
    TargetResult result;
    result.outcome = outcome;
    made.results.push_back(result);
    return made;
}

CycleReport sample_cycle() {
    CycleReport report;
    report.processes_scanned = 1874;
    report.duration_us = 12'000;
    report.records.push_back(record("stale-deploy", Action::Reap, Outcome::ExitedAfterSignal));
    report.records.push_back(record("stale-deploy", Action::Reap, Outcome::KilledAfterGrace));
    report.records.push_back(record("stale-deploy", Action::Spared, Outcome::DryRun));
    return report;
}

TEST(ReapMetrics, DecisionsAreCountedByRuleAndOutcome) {
    ReapTotals totals;
    add_cycle(totals, sample_cycle());
    const std::string text = format_metrics(totals, sample_cycle(), 1'795'617'354);
    EXPECT_NE(text.find("spawnreaper_decisions_total{rule=\"stale-deploy\",outcome=\"exited_after_"
                        "signal\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("outcome=\"killed_after_grace\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("outcome=\"spared\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("spawnreaper_cycles_total 1\n"), std::string::npos);
    EXPECT_NE(text.find("spawnreaper_last_cycle_processes 1874\n"), std::string::npos);
    EXPECT_NE(text.find("spawnreaper_last_cycle_duration_seconds 0.012000\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE spawnreaper_decisions_total counter\n"), std::string::npos);
}

TEST(ReapMetrics, TotalsAreReadBackAndKeepCounting) {
    ReapTotals totals;
    add_cycle(totals, sample_cycle());
    ReapTotals again = parse_metrics_totals(format_metrics(totals, sample_cycle(), 1));
    add_cycle(again, sample_cycle());
    EXPECT_EQ(again.cycles, 2u);
    EXPECT_EQ((again.decisions[{"stale-deploy", "exited_after_signal"}]), 2u);
}

TEST(ReapMetrics, LabelsWithQuotesBackslashesAndNewlinesRoundTrip) {
    CycleReport report;
    report.records.push_back(record("we\"ird\\rule\nname", Action::DryRun, Outcome::DryRun));
    ReapTotals totals;
    add_cycle(totals, report);
    const std::string text = format_metrics(totals, report, 1);
    EXPECT_NE(text.find("rule=\"we\\\"ird\\\\rule\\nname\""), std::string::npos) << text;
    const ReapTotals parsed = parse_metrics_totals(text);
    EXPECT_EQ(parsed.decisions.count({"we\"ird\\rule\nname", "dry_run"}), 1u);
}

TEST(ReapMetrics, ForeignOrGarbageTextStartsFromZero) {
    EXPECT_EQ(
        parse_metrics_totals("node_load1 0.5\nspawnreaper_decisions_total{rule=\"x\" 5\ngarbage")
            .decisions.size(),
        0u);
    EXPECT_EQ(parse_metrics_totals("").cycles, 0u);
}

}  // namespace
}  // namespace spawngate
