#include "file_read.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "fixture_tree.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

TEST(ReadFile, WholeSmallFileIsOk) {
    FixtureTree tree;
    tree.write("/sys/fs/cgroup/pids.max", "200\n");
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/sys/fs/cgroup/pids.max", buffer);
    EXPECT_EQ(read.status, ReadStatus::Ok);
    EXPECT_EQ(read.text, "200\n");
}

TEST(ReadFile, FileWithoutTrailingNewlineIsReadWhole) {
    FixtureTree tree;
    tree.write("/f", "200");
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Ok);
    EXPECT_EQ(read.text, "200");
}

TEST(ReadFile, EmptyFileIsOkAndEmpty) {
    FixtureTree tree;
    tree.write("/f", "");
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Ok);
    EXPECT_TRUE(read.text.empty());
}

TEST(ReadFile, FileOfExactlyTheBufferSizeIsOkNotTruncated) {
    FixtureTree tree;
    const std::string content = std::string(63, '7') + "\n";
    tree.write("/f", content);
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Ok);
    EXPECT_EQ(read.text, content);
}

TEST(ReadFile, FileOneByteLargerThanTheBufferIsTruncated) {
    FixtureTree tree;
    tree.write("/f", std::string(64, '7') + "\n");
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Truncated);
    EXPECT_FALSE(read.ok());
    EXPECT_EQ(read.text, std::string(64, '7'));
}

TEST(ReadFile, LargeFileBeyondOneReadIsReadWhole) {
    FixtureTree tree;
    std::string content;
    for (int i = 0; i < 3000; ++i) content += std::to_string(i) + "\n";
    tree.write("/f", content);
    std::string buffer(content.size() + 16, '\0');
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Ok);
    EXPECT_EQ(read.text, content);
}

TEST(ReadFile, MissingFileIsMissing) {
    FixtureTree tree;
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/sys/fs/cgroup/pids.max", buffer);
    EXPECT_EQ(read.status, ReadStatus::Missing);
    EXPECT_STREQ(describe(read.status, read.error), "missing");
}

TEST(ReadFile, PathThroughAFileIsMissing) {
    FixtureTree tree;
    tree.write("/proc/1", "not a directory");
    std::array<char, 64> buffer{};
    EXPECT_EQ(read_file(tree.root(), "/proc/1/stat", buffer).status, ReadStatus::Missing);
}

TEST(ReadFile, DirectoryIsFailedNotMissing) {
    FixtureTree tree;
    tree.make_directory("/sys/fs/cgroup/pids.max");
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/sys/fs/cgroup/pids.max", buffer);
    EXPECT_EQ(read.status, ReadStatus::Failed);
    EXPECT_EQ(read.error, EISDIR);
}

TEST(ReadFile, UnreadableFileIsFailedWithPermissionDenied) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
    FixtureTree tree;
    tree.write("/f", "1\n");
    ::chmod(tree.path_of("/f").c_str(), 0);
    std::array<char, 64> buffer{};
    const ReadResult read = read_file(tree.root(), "/f", buffer);
    EXPECT_EQ(read.status, ReadStatus::Failed);
    EXPECT_EQ(read.error, EACCES);
}

TEST(CountLines, CountsNewlineTerminatedLines) {
    FixtureTree tree;
    tree.write("/f", "1\n2\n3\n");
    const LineCount count = count_lines(tree.root(), "/f");
    EXPECT_EQ(count.status, ReadStatus::Ok);
    EXPECT_EQ(count.lines, 3u);
}

TEST(CountLines, FinalLineWithoutNewlineCounts) {
    FixtureTree tree;
    tree.write("/f", "1\n2");
    EXPECT_EQ(count_lines(tree.root(), "/f").lines, 2u);
}

TEST(CountLines, EmptyFileHasNoLines) {
    FixtureTree tree;
    tree.write("/f", "");
    const LineCount count = count_lines(tree.root(), "/f");
    EXPECT_EQ(count.status, ReadStatus::Ok);
    EXPECT_EQ(count.lines, 0u);
}

TEST(CountLines, FileLargerThanItsChunkIsCountedWhole) {
    FixtureTree tree;
    std::string content;
    for (int i = 0; i < 20000; ++i) content += std::to_string(100000 + i) + "\n";
    tree.write("/f", content);
    EXPECT_EQ(count_lines(tree.root(), "/f").lines, 20000u);
}

TEST(CountLines, MissingFileIsMissing) {
    FixtureTree tree;
    EXPECT_EQ(count_lines(tree.root(), "/nope").status, ReadStatus::Missing);
}

}  // namespace
}  // namespace spawngate
