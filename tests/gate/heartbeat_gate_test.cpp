// Supervising the supervisor: the gate reads the reaper's heartbeat and warns when a configured
// reaper has stopped; `spawngate status` shows when the reaper last ran.
#include <ctime>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gate_process_fixture.hpp"
#include "reaper_heartbeat.hpp"
#include "verdict.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

// A heartbeat written `age_s` seconds ago by a reaper that runs every `interval_s`.
std::string heartbeat_aged(std::uint64_t age_s, std::uint64_t interval_s = 120) {
    ReaperHeartbeat heartbeat;
    heartbeat.time_unix_s = static_cast<std::uint64_t>(::time(nullptr)) - age_s;
    heartbeat.interval_s = interval_s;
    heartbeat.pid = 4242;
    heartbeat.cycle = 17;
    heartbeat.reaped = 2;
    heartbeat.failed = 1;
    return format_heartbeat(heartbeat);
}

class ReaperHeartbeatCheck : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override { v2_caller_at(20); }  // room in the budget: only the reaper speaks
    void write_heartbeat_file(const std::string& text) const {
        tree.write("/run/spawngate/reaper.heartbeat", text);
    }
};

TEST_F(ReaperHeartbeatCheck, FreshHeartbeatSaysNothing) {
    write_heartbeat_file(heartbeat_aged(30));
    tree.write("/etc/spawngate/reaper.toml", "");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(ReaperHeartbeatCheck, HeartbeatJustUnderThreeIntervalsSaysNothing) {
    write_heartbeat_file(heartbeat_aged(300));  // 2.5 intervals of 120 s
    EXPECT_EQ(run({}).stderr_text, "");
}

TEST_F(ReaperHeartbeatCheck, HeartbeatOlderThanThreeIntervalsWarnsNamingItsAge) {
    write_heartbeat_file(heartbeat_aged(1000));
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: warning: the reaper last ran 100"))
        << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "runs every 120 s")) << result.stderr_text;
}

TEST_F(ReaperHeartbeatCheck, StaleHeartbeatMakesTheJsonVerdictWarn) {
    write_heartbeat_file(heartbeat_aged(1000));
    const ProcessResult result = run({"--json"});
    EXPECT_EQ(nlohmann::json::parse(result.stdout_text)["verdict"], "warn");
}

TEST_F(ReaperHeartbeatCheck, HeartbeatAtAnotherPathIsReadFromThere) {
    tree.write("/var/lib/reaper/beat", heartbeat_aged(1000));
    const ProcessResult result = run({"--reaper-heartbeat", "/var/lib/reaper/beat"});
    EXPECT_TRUE(contains(result.stderr_text, "the reaper last ran")) << result.stderr_text;
}

TEST_F(ReaperHeartbeatCheck, MissingHeartbeatWithAReaperConfiguredWarns) {
    tree.write("/etc/spawngate/reaper.toml", "[[rule]]\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "spawngate: warning: a reaper is configured"))
        << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "/etc/spawngate/reaper.toml")) << result.stderr_text;
}

TEST_F(ReaperHeartbeatCheck, MissingHeartbeatWithoutAReaperConfigSaysNothing) {
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.stderr_text, "");
}

TEST_F(ReaperHeartbeatCheck, MalformedHeartbeatWarns) {
    write_heartbeat_file("spawnreaper-heartbeat 1\ntime_unix_s soon\n");
    const ProcessResult result = run({});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stderr_text, "is not a heartbeat")) << result.stderr_text;
}

TEST_F(ReaperHeartbeatCheck, StatusShowsWhenTheReaperLastRan) {
    write_heartbeat_file(heartbeat_aged(30));
    const ProcessResult result = run({"status"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(contains(result.stdout_text, "reaper: last cycle ")) << result.stdout_text;
    EXPECT_TRUE(contains(result.stdout_text, "runs every 120 s; pid 4242, reaped 2, failed 1"))
        << result.stdout_text;
    EXPECT_FALSE(contains(result.stdout_text, "LATE")) << result.stdout_text;
}

TEST_F(ReaperHeartbeatCheck, StatusMarksALateReaper) {
    write_heartbeat_file(heartbeat_aged(1000));
    const ProcessResult result = run({"status"});
    EXPECT_TRUE(contains(result.stdout_text, "LATE: it looks stopped")) << result.stdout_text;
}

TEST_F(ReaperHeartbeatCheck, StatusSaysAConfiguredReaperHasNoHeartbeat) {
    tree.write("/etc/spawngate/reaper.toml", "");
    const ProcessResult result = run({"status"});
    EXPECT_TRUE(contains(result.stdout_text, "reaper: configured but no heartbeat since boot"))
        << result.stdout_text;
}

TEST_F(ReaperHeartbeatCheck, StatusJsonShowsTheReaperState) {
    write_heartbeat_file(heartbeat_aged(30));
    const nlohmann::json json = nlohmann::json::parse(run({"status", "--json"}).stdout_text);
    EXPECT_EQ(json["reaper"]["state"], "fresh");
    EXPECT_GE(json["reaper"]["age_s"].get<int>(), 30);
    EXPECT_LT(json["reaper"]["age_s"].get<int>(), 300);
    EXPECT_EQ(json["reaper"]["interval_s"], 120);
    EXPECT_EQ(json["reaper"]["pid"], 4242);
    EXPECT_EQ(json["reaper"]["reaped"], 2);
    EXPECT_EQ(json["reaper"]["failed"], 1);
}

TEST_F(ReaperHeartbeatCheck, StatusJsonShowsLateMissingAndMalformed) {
    write_heartbeat_file(heartbeat_aged(1000));
    EXPECT_EQ(nlohmann::json::parse(run({"status", "--json"}).stdout_text)["reaper"]["state"],
              "late");
    write_heartbeat_file("not a heartbeat\n");
    EXPECT_EQ(nlohmann::json::parse(run({"status", "--json"}).stdout_text)["reaper"]["state"],
              "malformed");
    tree.remove("/run/spawngate/reaper.heartbeat");
    const nlohmann::json missing = nlohmann::json::parse(run({"status", "--json"}).stdout_text);
    EXPECT_EQ(missing["reaper"]["state"], "missing");
    EXPECT_FALSE(missing["reaper"].contains("age_s"));
}

// The decide step alone: a stale reaper is a warn-level concern, never a block.
TEST(DecideReaper, LateReaperWarnsButNeverBlocks) {
    Measurement m;
    m.pids_levels = {{"/agents", "/sys/fs/cgroup/agents", 10, 100}};
    m.reaper.state = HeartbeatState::Late;
    m.reaper.heartbeat = ReaperHeartbeat{};
    m.reaper.heartbeat->interval_s = 120;
    m.reaper.age_s = 4000;
    const Verdict verdict = decide(m, GateSettings{});
    EXPECT_EQ(verdict.level, Level::Warn);
    EXPECT_TRUE(contains(verdict.reaper_stale, "4000 s ago")) << verdict.reaper_stale;
}

TEST(DecideReaper, MissingHeartbeatWithoutAReaperConfiguredIsNoConcern) {
    Measurement m;
    m.pids_levels = {{"/agents", "/sys/fs/cgroup/agents", 10, 100}};
    m.reaper.state = HeartbeatState::Missing;
    m.reaper_configured = false;
    const Verdict verdict = decide(m, GateSettings{});
    EXPECT_EQ(verdict.level, Level::Allow);
    EXPECT_TRUE(verdict.reaper_stale.empty());
}

}  // namespace
}  // namespace spawngate
