#include "text_parse.hpp"

#include <gtest/gtest.h>

namespace spawngate {
namespace {

TEST(ParseU64, KernelValueWithTrailingNewlineParses) {
    EXPECT_EQ(parse_u64("200\n"), 200u);
}

TEST(ParseU64, SurroundingSpacesAndTabsAreAllowed) {
    EXPECT_EQ(parse_u64(" \t42 \r\n"), 42u);
}

TEST(ParseU64, EmptyAndBlankTextIsNoValue) {
    EXPECT_FALSE(parse_u64(""));
    EXPECT_FALSE(parse_u64("\n"));
    EXPECT_FALSE(parse_u64("   "));
}

TEST(ParseU64, SignsAreRejected) {
    EXPECT_FALSE(parse_u64("-1"));
    EXPECT_FALSE(parse_u64("+5"));
}

TEST(ParseU64, TrailingGarbageIsRejected) {
    EXPECT_FALSE(parse_u64("12abc"));
    EXPECT_FALSE(parse_u64("1 2"));
    EXPECT_FALSE(parse_u64("0x10"));
    EXPECT_FALSE(parse_u64("1.5"));
}

TEST(ParseU64, LargestValueParsesAndOverflowIsRejected) {
    EXPECT_EQ(parse_u64("18446744073709551615"), UINT64_MAX);
    EXPECT_FALSE(parse_u64("18446744073709551616"));
}

TEST(ParseU64, ZeroParses) {
    EXPECT_EQ(parse_u64("0"), 0u);
}

TEST(ParseLimit, MaxMeansUnlimited) {
    const auto limit = parse_limit("max\n");
    ASSERT_TRUE(limit);
    EXPECT_TRUE(limit->unlimited);
}

TEST(ParseLimit, NumberIsALimit) {
    const auto limit = parse_limit("200\n");
    ASSERT_TRUE(limit);
    EXPECT_FALSE(limit->unlimited);
    EXPECT_EQ(limit->value, 200u);
}

TEST(ParseLimit, OtherWordsAreNoValue) {
    EXPECT_FALSE(parse_limit("MAX"));
    EXPECT_FALSE(parse_limit("maximum"));
    EXPECT_FALSE(parse_limit("max 1"));
    EXPECT_FALSE(parse_limit(""));
    EXPECT_FALSE(parse_limit("-1"));
}

TEST(ParseMemoryLimit, V1UnlimitedValueMeansNoLimit) {
    const auto limit = parse_memory_limit("9223372036854771712\n");
    ASSERT_TRUE(limit);
    EXPECT_TRUE(limit->unlimited);
}

TEST(ParseMemoryLimit, V1UnlimitedWith64KPagesMeansNoLimit) {
    const auto limit = parse_memory_limit("9223372036854710272\n");
    ASSERT_TRUE(limit);
    EXPECT_TRUE(limit->unlimited);
}

TEST(ParseMemoryLimit, RealLimitStaysALimit) {
    const auto limit = parse_memory_limit("536870912\n");
    ASSERT_TRUE(limit);
    EXPECT_FALSE(limit->unlimited);
    EXPECT_EQ(limit->value, 536870912u);
}

TEST(ParseMemoryLimit, V2MaxMeansNoLimit) {
    const auto limit = parse_memory_limit("max\n");
    ASSERT_TRUE(limit);
    EXPECT_TRUE(limit->unlimited);
}

TEST(FlatKeyedValue, FindsKeyAmongOthers) {
    EXPECT_EQ(flat_keyed_value("anon_thp 0\nanon 4096\nfile 10\n", "anon"), 4096u);
}

TEST(FlatKeyedValue, KeyThatIsAPrefixOfAnotherKeyIsNotConfused) {
    EXPECT_FALSE(flat_keyed_value("anon_thp 4096\n", "anon"));
}

TEST(FlatKeyedValue, LastLineWithoutNewlineIsRead) {
    EXPECT_EQ(flat_keyed_value("max 0\nfile 7", "file"), 7u);
}

TEST(FlatKeyedValue, MissingKeyIsNoValue) {
    EXPECT_FALSE(flat_keyed_value("a 1\nb 2\n", "c"));
}

TEST(FlatKeyedValue, GarbageValueIsNoValue) {
    EXPECT_FALSE(flat_keyed_value("anon lots\n", "anon"));
    EXPECT_FALSE(flat_keyed_value("anon\n", "anon"));
    EXPECT_FALSE(flat_keyed_value("", "anon"));
}

TEST(FlatKeyedValue, KeyInTheMiddleOfALineIsNotMatched) {
    EXPECT_FALSE(flat_keyed_value("total_anon 5\n", "anon"));
}

TEST(NextLine, SplitsLinesAndKeepsEmptyOnes) {
    std::string_view rest = "a\n\nb";
    EXPECT_EQ(next_line(rest), "a");
    EXPECT_EQ(next_line(rest), "");
    EXPECT_EQ(next_line(rest), "b");
    EXPECT_FALSE(next_line(rest));
}

TEST(Trim, StripsWhitespaceOnBothEnds) {
    EXPECT_EQ(trim("\t x y \n"), "x y");
    EXPECT_EQ(trim(" \n"), "");
}

}  // namespace
}  // namespace spawngate
