// pidfd unavailable. Under a seccomp filter that fails pidfd_open and pidfd_send_signal (ENOSYS
// as on a kernel before 5.3, EPERM as under an old container profile), the reaper must not fall
// back to kill(2) by pid: the victim stays alive, stderr and the log say why, and the exit code
// says a kill failed.

#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "exit_codes.hpp"
#include "reaper_fault_scenario.hpp"

namespace spawngate::faults {
namespace {

using testkit::RealProcess;

class ReaperWithoutPidfds : public ReaperFaultScenario,
                            public ::testing::WithParamInterface<int> {};

TEST_P(ReaperWithoutPidfds, RefusesToSignalByPidReportsWhyAndExitsKillFailed) {
    const int error = GetParam();
    RealProcess& victim = sleeper("nopidfd-" + token);
    const std::string config = write_config("[[rule]]\nname = \"nopidfd\"\n" +
                                            scope("^nopidfd-" + token) + "grace = \"1s\"\n");
    const ReaperExit run = run_reaper(standard_arguments(config), PidfdBlock{error});
    ASSERT_NE(run.exit_code, 125) << "the kernel refused the seccomp filter";
    EXPECT_EQ(run.exit_code, kExitKillFailed) << run.stderr_text;
    EXPECT_TRUE(victim.alive()) << "signalled without a pidfd";
    EXPECT_NE(run.stderr_text.find("not signalled: kill(2) by pid could hit a recycled pid"),
              std::string::npos)
        << run.stderr_text;
    const auto lines = decisions_for(victim.pid());
    ASSERT_EQ(lines.size(), 1u) << read_text(log_path());
    EXPECT_EQ(lines[0]["outcome"], "failed");
    EXPECT_EQ(lines[0]["errno"], error);
    EXPECT_EQ(lines[0]["error"], std::strerror(error));
    EXPECT_EQ(lines[0]["signals_sent"], nlohmann::json::array());
}

INSTANTIATE_TEST_SUITE_P(PidfdErrors, ReaperWithoutPidfds, ::testing::Values(ENOSYS, EPERM),
                         [](const ::testing::TestParamInfo<int>& param_info) {
                             return std::string(param_info.param == ENOSYS ? "ENOSYS" : "EPERM");
                         });

}  // namespace
}  // namespace spawngate::faults
