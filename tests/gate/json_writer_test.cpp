#include "json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace spawngate {
namespace {

std::string as_json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

TEST(JsonWriter, NestedObjectsAndArraysAreSeparatedByCommas) {
    JsonWriter json;
    json.begin_object()
        .field("a", std::uint64_t{1})
        .key("list")
        .begin_array()
        .value("x")
        .begin_object()
        .field("b", true)
        .end_object()
        .null()
        .end_array()
        .field("c", 2.5)
        .end_object();
    EXPECT_EQ(json.text(), R"({"a":1,"list":["x",{"b":true},null],"c":2.50})");
}

TEST(JsonWriter, NonFiniteNumberIsNull) {
    JsonWriter json;
    json.begin_array().value(1.0 / 0.0).end_array();
    EXPECT_EQ(json.text(), "[null]");
}

TEST(JsonWriter, HugeNumberStillMakesValidJson) {
    JsonWriter json;
    json.begin_object().field("percent", 1e300).field("next", std::uint64_t{1}).end_object();
    const nlohmann::json parsed = nlohmann::json::parse(json.text());
    EXPECT_DOUBLE_EQ(parsed["percent"].get<double>(), 1e300);
}

TEST(JsonString, QuotesBackslashesAndControlBytesAreEscaped) {
    EXPECT_EQ(as_json_string("a\"b\\c\nd\x01"), R"("a\"b\\c\nd\u0001")");
}

TEST(JsonString, ValidUtf8IsKept) {
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    EXPECT_EQ(nlohmann::json::parse(as_json_string(text)).get<std::string>(), text);
}

TEST(JsonString, InvalidUtf8StillMakesValidJson) {
    // Process names and cgroup paths are bytes, not UTF-8: comm can be "\xff\xfe".
    for (const std::string_view bytes :
         {std::string_view("\xff\xfe"), std::string_view("a\xc3"), std::string_view("\xc0\xaf"),
          std::string_view("\xed\xa0\x80"), std::string_view("\xe2\x82"),
          std::string_view("\xf4\x90\x80\x80")}) {
        EXPECT_TRUE(nlohmann::json::accept(as_json_string(bytes))) << as_json_string(bytes);
    }
}

}  // namespace
}  // namespace spawngate
