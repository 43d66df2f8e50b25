#include "column_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace spawngate {
namespace {

TEST(ColumnText, ShortNameIsKeptAsItIs) {
    EXPECT_EQ(column_text("kworker/0:1", 20), "kworker/0:1");
}

TEST(ColumnText, NameOfExactlyTheWidthIsNotCut) {
    EXPECT_EQ(column_text("abcde", 5), "abcde");
}

TEST(ColumnText, LongNameIsCutToTheWidthWithAMarker) {
    const std::string cell = column_text("kworker/0:0-cgroup_pidlist_destroy", 16);
    EXPECT_EQ(cell, "kworker/0:0-cgr\u2026");
    EXPECT_EQ(column_width(cell), 16u);
}

TEST(ColumnText, ControlAndNonAsciiBytesAreShownAsQuestionMarks) {
    EXPECT_EQ(column_text(std::string("a\nb\tc\x7f\xff\xc3\xa9", 9), 0), "a?b?c????");
}

TEST(ColumnText, ZeroWidthMeansNoLimit) {
    const std::string long_name(300, 'x');
    EXPECT_EQ(column_text(long_name, 0), long_name);
}

TEST(ColumnText, LongPathKeepsItsLastComponentsAfterTheMarker) {
    const std::string cell =
        column_text("/agents.slice/fleet-42.slice/worker-7.scope", 20, KeepEnd::Finish);
    EXPECT_EQ(cell, "\u2026lice/worker-7.scope");
    EXPECT_EQ(column_width(cell), 20u);
}

TEST(ColumnText, ShortPathIsNotCutFromEitherEnd) {
    EXPECT_EQ(column_text("/agents", 20, KeepEnd::Finish), "/agents");
}

TEST(ColumnText, WidthOneIsTheMarkerAlone) {
    EXPECT_EQ(column_text("abc", 1), "\u2026");
}

}  // namespace
}  // namespace spawngate
