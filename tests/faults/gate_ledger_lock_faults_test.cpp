// Issue 5, faults: the ledger lock left behind. A holder that was SIGKILLed leaves nothing held
// (flock(2) locks die with their last descriptor), so the next gate records at once; a holder
// that is alive and stuck costs the gate at most its bounded wait, then a clear note and a
// verdict on what it measured, never a hang.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "gate_process_fixture.hpp"
#include "unique_fd.hpp"

namespace spawngate {
namespace {

using namespace std::chrono_literals;
using testkit::contains;
using testkit::ProcessResult;

// A child process that takes the ledger lock the way a gate does (flock on the sibling .lock
// file) and then stops doing anything. Killed and reaped on destruction.
class LockHolder {
  public:
    explicit LockHolder(const std::string& lock_path) {
        int ready[2];
        if (::pipe2(ready, O_CLOEXEC) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            // Like many lock files, it also names its holder: only the flock itself may count.
            const std::string pid = std::to_string(::getpid()) + "\n";
            const char ok =
                fd >= 0 && ::flock(fd, LOCK_EX) == 0 && ::write(fd, pid.data(), pid.size()) > 0
                    ? '1'
                    : '0';
            [[maybe_unused]] const ssize_t wrote = ::write(ready[1], &ok, 1);
            for (;;) ::pause();  // stuck while holding the lock
        }
        ::close(ready[1]);
        char ok = '0';
        held_ = ::read(ready[0], &ok, 1) == 1 && ok == '1';
        ::close(ready[0]);
    }
    ~LockHolder() { kill(); }
    LockHolder(const LockHolder&) = delete;
    LockHolder& operator=(const LockHolder&) = delete;

    bool held() const { return pid_ > 0 && held_; }
    // SIGKILL, as the OOM killer or a container stop would, and reap.
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

  private:
    pid_t pid_ = -1;
    bool held_ = false;
};

class LedgerLockLeftBehind : public ::testing::Test, public testkit::GateProcess {
  protected:
    void SetUp() override {
        v1_caller_at(50);
        ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);  // a ledger and its lock
    }
    std::string lock_path() const { return ledger_path() + ".lock"; }
    static nlohmann::json json_of(const ProcessResult& result) {
        return nlohmann::json::parse(result.stdout_text);
    }
};

TEST_F(LedgerLockLeftBehind, LockOfAKilledHolderIsFreeAndTheNextReservationIsRecordedPromptly) {
    LockHolder holder(lock_path());
    ASSERT_TRUE(holder.held());
    holder.kill();

    const ProcessResult result = run({"--cost", "25", "--reserve", "--json"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_LT(result.elapsed, 400ms) << "the gate waited for a lock nobody holds";
    EXPECT_FALSE(contains(result.stderr_text, "still locked")) << result.stderr_text;
    EXPECT_FALSE(json_of(result)["reservation"].is_null()) << result.stderr_text;
    EXPECT_EQ(ledger_entries().size(), 2u);
}

TEST_F(LedgerLockLeftBehind, StuckHolderCostsTheGateItsBoundedWaitAndAClearNote) {
    LockHolder holder(lock_path());
    ASSERT_TRUE(holder.held());
    const std::string before = testkit::read_whole_file(ledger_path());

    const ProcessResult result = run({"--cost", "25", "--reserve", "--json"});
    EXPECT_FALSE(result.timed_out);
    EXPECT_GE(result.elapsed, 450ms) << "the gate must wait its 500 ms for a slow holder";
    EXPECT_LT(result.elapsed, 3s) << "the gate must not wait longer than its bound";
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(json_of(result)["verdict"], "allow");
    EXPECT_TRUE(contains(result.stderr_text, "still locked after 500 ms; not recorded"))
        << result.stderr_text;
    EXPECT_TRUE(json_of(result)["reservation"].is_null());
    EXPECT_EQ(json_of(result)["reserved_tasks"], 25) << "the live reservation still counts";
    EXPECT_EQ(testkit::read_whole_file(ledger_path()), before);
}

TEST_F(LedgerLockLeftBehind, StuckHolderDoesNotTurnABlockIntoAnAllow) {
    LockHolder holder(lock_path());
    ASSERT_TRUE(holder.held());
    set_current(160);  // 160 + 25 reserved + 25 of 200
    const ProcessResult result = run({"--cost", "25", "--reserve"});
    EXPECT_FALSE(result.timed_out);
    EXPECT_EQ(result.exit_code, 2) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "still locked")) << result.stderr_text;
}

TEST_F(LedgerLockLeftBehind, StuckHolderNeverHangsTheHookEither) {
    LockHolder holder(lock_path());
    ASSERT_TRUE(holder.held());
    const std::string input =
        R"({"session_id":"s","transcript_path":"/nonexistent","cwd":"/","hook_event_name":)"
        R"("PreToolUse","tool_name":"Bash","tool_input":{"command":"make",)"
        R"("run_in_background":true}})";
    const ProcessResult result = run({"--hook", "claude", "--cost", "25", "--reserve"}, {}, input);
    EXPECT_FALSE(result.timed_out);
    EXPECT_LT(result.elapsed, 3s);
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "still locked")) << result.stderr_text;
}

TEST_F(LedgerLockLeftBehind, LockFreedWhileTheGateWaitsIsTakenAndTheReservationRecorded) {
    auto holder = std::make_unique<LockHolder>(lock_path());
    ASSERT_TRUE(holder->held());
    ProcessResult result;
    std::thread gate([&] { result = run({"--cost", "25", "--reserve", "--json"}); });
    std::this_thread::sleep_for(150ms);
    holder.reset();  // killed mid-wait: the kernel drops its lock
    gate.join();
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_FALSE(contains(result.stderr_text, "still locked")) << result.stderr_text;
    EXPECT_FALSE(json_of(result)["reservation"].is_null()) << result.stderr_text;
}

}  // namespace
}  // namespace spawngate
