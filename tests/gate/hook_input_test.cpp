// The hook JSON on stdin: parsed for the few fields the gate needs, read with bounds.
#include "hook_input.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <gtest/gtest.h>

#include <algorithm>

#include "unique_fd.hpp"

namespace spawngate {
namespace {

constexpr std::string_view kBackgroundBash = R"({
  "session_id": "abc123",
  "transcript_path": "/home/u/.claude/projects/p/abc123.jsonl",
  "cwd": "/home/u/project",
  "permission_mode": "default",
  "hook_event_name": "PreToolUse",
  "tool_name": "Bash",
  "tool_input": {"command": "sleep 100", "description": "wait", "run_in_background": true}
})";

constexpr std::string_view kAgentCall = R"({
  "session_id": "abc123",
  "transcript_path": "/t.jsonl",
  "cwd": "/",
  "hook_event_name": "PreToolUse",
  "tool_name": "Agent",
  "tool_input": {"subagent_type": "general-purpose", "description": "d",
                 "prompt": "Search the code base for \"run_in_background\": true and {nested}"}
})";

struct PipeEnds {
    UniqueFd read_end;
    UniqueFd write_end;
};

PipeEnds make_pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    return {UniqueFd{fds[0]}, UniqueFd{fds[1]}};
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// What the launch table's `Bash?run_in_background` reads.
bool in_background(const HookInput& input) {
    return std::find(input.true_fields.begin(), input.true_fields.end(), "run_in_background") !=
           input.true_fields.end();
}

TEST(ParseHookInput, BackgroundBashCallGivesEveryField) {
    const HookInputRead read = parse_hook_input(kBackgroundBash);
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_EQ(read.input->hook_event_name, "PreToolUse");
    EXPECT_EQ(read.input->tool_name, "Bash");
    EXPECT_EQ(read.input->session_id, "abc123");
    EXPECT_EQ(read.input->transcript_path, "/home/u/.claude/projects/p/abc123.jsonl");
    EXPECT_EQ(read.input->cwd, "/home/u/project");
    EXPECT_TRUE(in_background(*read.input));
}

TEST(ParseHookInput, AgentCallIsRead) {
    const HookInputRead read = parse_hook_input(kAgentCall);
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_EQ(read.input->tool_name, "Agent");
    EXPECT_FALSE(in_background(*read.input));
}

TEST(ParseHookInput, ForegroundBashIsNotInBackground) {
    const HookInputRead read = parse_hook_input(
        R"({"tool_name":"Bash","tool_input":{"command":"ls","run_in_background":false}})");
    ASSERT_TRUE(read.input);
    EXPECT_FALSE(in_background(*read.input));
}

TEST(ParseHookInput, RunInBackgroundNestedDeeperDoesNotCount) {
    const HookInputRead read = parse_hook_input(
        R"({"tool_name":"Bash","tool_input":{"command":"x","env":{"run_in_background":true},)"
        R"("list":[{"run_in_background":true}, true]}})");
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_FALSE(in_background(*read.input));
}

TEST(ParseHookInput, RunInBackgroundAtTheTopLevelDoesNotCount) {
    const HookInputRead read =
        parse_hook_input(R"({"tool_name":"Bash","run_in_background":true,"tool_input":{}})");
    ASSERT_TRUE(read.input);
    EXPECT_FALSE(in_background(*read.input));
}

TEST(ParseHookInput, RunInBackgroundOutsideToolInputDoesNotCount) {
    const HookInputRead read = parse_hook_input(
        R"({"tool_input":{"command":"x"},"tool_response":{"run_in_background":true},)"
        R"("tool_name":"Bash"})");
    ASSERT_TRUE(read.input);
    EXPECT_FALSE(in_background(*read.input));
}

TEST(ParseHookInput, ToolNameInsideToolInputIsNotTheToolName) {
    const HookInputRead read =
        parse_hook_input(R"({"tool_input":{"tool_name":"Agent"},"tool_name":"Read"})");
    ASSERT_TRUE(read.input);
    EXPECT_EQ(read.input->tool_name, "Read");
}

TEST(ParseHookInput, EmptyInputIsAClearError) {
    const HookInputRead read = parse_hook_input("");
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "empty hook input")) << read.error;
}

TEST(ParseHookInput, WhitespaceOnlyIsEmpty) {
    EXPECT_TRUE(contains(parse_hook_input(" \n\t\r\n").error, "empty hook input"));
}

TEST(ParseHookInput, MalformedJsonIsAClearError) {
    const HookInputRead read = parse_hook_input(R"({"tool_name": "Bash", )");
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "not valid JSON")) << read.error;
}

TEST(ParseHookInput, TrailingGarbageAfterTheObjectIsRejected) {
    EXPECT_FALSE(parse_hook_input(R"({"tool_name":"Bash"} {"tool_name":"Agent"})").input);
}

TEST(ParseHookInput, TopLevelArrayIsNotAHookDocument) {
    const HookInputRead read = parse_hook_input(R"([{"tool_name":"Agent"}])");
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "not a JSON object")) << read.error;
}

TEST(ParseHookInput, TopLevelScalarIsNotAHookDocument) {
    for (const std::string_view scalar : {"42", "\"Agent\"", "true", "null"}) {
        const HookInputRead read = parse_hook_input(scalar);
        EXPECT_FALSE(read.input) << scalar;
        EXPECT_TRUE(contains(read.error, "not a JSON object")) << scalar << ": " << read.error;
    }
}

TEST(ParseHookInput, BinaryBytesAreAClearError) {
    std::string binary;
    for (int i = 0; i < 4096; ++i) binary += static_cast<char>((i * 37 + 11) & 0xff);
    const HookInputRead read = parse_hook_input(binary);
    EXPECT_FALSE(read.input);
    EXPECT_FALSE(read.error.empty());
}

TEST(ParseHookInput, ErrorMessageIsShortAndPrintable) {
    // An unterminated megabyte string: the message must not quote it back whole.
    const std::string huge = R"({"tool_input":{"prompt":")" + std::string(1 << 20, 'x') + "\xff";
    const HookInputRead read = parse_hook_input(huge);
    EXPECT_FALSE(read.input);
    EXPECT_LT(read.error.size(), 400u) << read.error.substr(0, 400);
    for (const char c : read.error) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_TRUE(byte >= 0x20 && byte < 0x7f) << "byte " << static_cast<int>(byte);
    }
}

TEST(ParseHookInput, HundredThousandOpenBracketsIsAnErrorNotACrash) {
    const HookInputRead read = parse_hook_input(std::string(100000, '['));
    EXPECT_FALSE(read.input);
}

TEST(ParseHookInput, DeepNestingInsideToolInputIsAnErrorNotACrash) {
    const std::string deep =
        R"({"tool_name":"Bash","tool_input":{"x":)" + std::string(100000, '[') + "\n";
    EXPECT_FALSE(parse_hook_input(deep).input);
}

TEST(ParseHookInput, DeepButCompleteNestingParses) {
    const std::string deep = R"({"tool_name":"Agent","tool_input":{"x":)" +
                             std::string(10000, '[') + std::string(10000, ']') + "}}";
    const HookInputRead read = parse_hook_input(deep);
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_EQ(read.input->tool_name, "Agent");
}

TEST(ReadHookInput, ReadsADocumentFromAPipe) {
    PipeEnds pipe = make_pipe();
    ASSERT_EQ(::write(pipe.write_end.get(), kAgentCall.data(), kAgentCall.size()),
              static_cast<ssize_t>(kAgentCall.size()));
    pipe.write_end.reset();
    const HookInputRead read = read_hook_input(pipe.read_end.get());
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_EQ(read.input->tool_name, "Agent");
}

TEST(ReadHookInput, EmptyClosedPipeIsEmptyInput) {
    PipeEnds pipe = make_pipe();
    pipe.write_end.reset();
    const HookInputRead read = read_hook_input(pipe.read_end.get());
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "empty hook input")) << read.error;
}

TEST(ReadHookInput, InputOverTheBoundIsRefusedWithAClearError) {
    PipeEnds pipe = make_pipe();
    std::thread writer([fd = pipe.write_end.release()] {
        const std::string block(65536, ' ');
        std::size_t total = 0;
        while (total < (3u << 20)) {
            const ssize_t wrote = ::write(fd, block.data(), block.size());
            if (wrote <= 0) break;  // the reader gave up: EPIPE
            total += static_cast<std::size_t>(wrote);
        }
        ::close(fd);
    });
    ::signal(SIGPIPE, SIG_IGN);
    const HookInputRead read = read_hook_input(pipe.read_end.get(), kMaxHookInputBytes, 5000);
    pipe.read_end.reset();
    writer.join();
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "larger than 1048576 bytes")) << read.error;
}

TEST(ReadHookInput, InputOfExactlyTheBoundIsRead) {
    const std::string document = R"({"tool_name":"Agent"})";
    const std::string padded = document + std::string(kMaxHookInputBytes - document.size(), ' ');
    PipeEnds pipe = make_pipe();
    std::thread writer([fd = pipe.write_end.release(), &padded] {
        std::size_t written = 0;
        while (written < padded.size()) {
            const ssize_t wrote = ::write(fd, padded.data() + written, padded.size() - written);
            if (wrote <= 0) break;
            written += static_cast<std::size_t>(wrote);
        }
        ::close(fd);
    });
    const HookInputRead read = read_hook_input(pipe.read_end.get(), kMaxHookInputBytes, 5000);
    writer.join();
    ASSERT_TRUE(read.input) << read.error;
    EXPECT_EQ(read.input->tool_name, "Agent");
}

TEST(ReadHookInput, PipeThatIsNeverClosedTimesOut) {
    PipeEnds pipe = make_pipe();
    ASSERT_EQ(::write(pipe.write_end.get(), "{", 1), 1);
    const auto started = std::chrono::steady_clock::now();
    const HookInputRead read = read_hook_input(pipe.read_end.get(), kMaxHookInputBytes, 100);
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(read.input);
    EXPECT_TRUE(contains(read.error, "did not end within 100 ms")) << read.error;
    EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST(ReadHookInput, ClosedDescriptorIsAClearError) {
    const HookInputRead read = read_hook_input(-1, kMaxHookInputBytes, 100);
    EXPECT_FALSE(read.input);
    EXPECT_FALSE(read.error.empty());
}

}  // namespace
}  // namespace spawngate
