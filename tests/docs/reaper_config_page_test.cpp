// spawnreaper.toml(5) held to the reaper's config parser, both ways: every key the parser takes
// is documented in its table, every documented key is one the parser knows, and the example loads.
#include <gtest/gtest.h>

#include <regex>

#include "doc_text.hpp"
#include "reap_config.hpp"

namespace spawngate {
namespace {

using docs::listed;
using docs::missing_from;

// --- the reaper's config keys ----------------------------------------------------------------

std::string reaper_config_page() {
    return docs::read_text(docs::source_file("man/spawnreaper.toml.5.scd.in"));
}

constexpr std::string_view kReaperTable = "THE [reaper] TABLE";
constexpr std::string_view kRuleTables = "THE [[rule]] TABLES";

// The keys the reaper's parser compares against (`key == "..."`), split at parse_rule into the
// [reaper] keys and the [[rule]] keys: the parser has no key table to ask, so its source is the
// list. `name` is read with table->get("name").
struct ParserKeys {
    std::set<std::string> reaper;
    std::set<std::string> rule;
};

ParserKeys keys_of_the_reaper_parser() {
    const std::string source = docs::read_text(docs::source_file("reaper/reap_config.cpp"));
    const std::size_t rule_start = source.find("Rule parse_rule(");
    EXPECT_NE(rule_start, std::string::npos) << "reaper/reap_config.cpp changed shape";
    ParserKeys keys;
    static const std::regex compared(R"re(key == "([a-z_]+)")re");
    for (auto it = std::sregex_iterator(source.begin(), source.end(), compared);
         it != std::sregex_iterator(); ++it) {
        const bool in_rule = static_cast<std::size_t>(it->position()) > rule_start;
        (in_rule ? keys.rule : keys.reaper).insert((*it)[1].str());
    }
    keys.rule.insert("name");
    return keys;
}

TEST(ReaperConfigManPage, DocumentsEveryKeyTheParserTakes) {
    const ParserKeys parser = keys_of_the_reaper_parser();
    ASSERT_GE(parser.reaper.size(), 5u);
    ASSERT_GE(parser.rule.size(), 10u);
    const std::set<std::string> reaper =
        docs::defined_keys(docs::scd_section(reaper_config_page(), kReaperTable, true));
    const std::set<std::string> rule =
        docs::defined_keys(docs::scd_section(reaper_config_page(), kRuleTables, true));
    EXPECT_TRUE(missing_from(parser.reaper, reaper).empty())
        << "[reaper] keys not in spawnreaper.toml(5): "
        << listed(missing_from(parser.reaper, reaper));
    EXPECT_TRUE(missing_from(parser.rule, rule).empty())
        << "[[rule]] keys not in spawnreaper.toml(5): " << listed(missing_from(parser.rule, rule));
}

// A documented key is one the parser knows: set to any value, it may be refused for its value,
// never as an unknown key.
TEST(ReaperConfigManPage, EveryDocumentedKeyIsKnownToTheParser) {
    const std::set<std::string> reaper =
        docs::defined_keys(docs::scd_section(reaper_config_page(), kReaperTable, true));
    const std::set<std::string> rule =
        docs::defined_keys(docs::scd_section(reaper_config_page(), kRuleTables, true));
    ASSERT_FALSE(reaper.empty());
    ASSERT_FALSE(rule.empty());
    const std::string a_rule = "[[rule]]\nname = \"docs\"\nprocess_name = \"^docs$\"\n";
    for (const std::string& key : reaper) {
        std::string text = "[reaper]\n" + key;
        text.append(" = 0\n").append(a_rule);
        const ConfigLoad load = parse_reaper_config(text, "t");
        if (load.error) {
            EXPECT_EQ(load.error->message.find("unknown key"), std::string::npos)
                << "[reaper] " << key << ": " << load.error->text();
        }
    }
    for (const std::string& key : rule) {
        if (key == "name") continue;  // every rule above has one; a second is a TOML error
        const ConfigLoad load = parse_reaper_config(a_rule + key + " = 0\n", "t");
        if (load.error) {
            EXPECT_EQ(load.error->message.find("unknown key"), std::string::npos)
                << "[[rule]] " << key << ": " << load.error->text();
        }
    }
    const ConfigLoad nameless = parse_reaper_config("[[rule]]\nprocess_name = \"^x$\"\n", "t");
    ASSERT_TRUE(nameless.error);
    EXPECT_EQ(nameless.error->key, "name");
}

TEST(ReaperConfigManPage, ExampleLoadsWithTheReapersOwnParser) {
    const std::string example = docs::first_literal_block(reaper_config_page(), "EXAMPLE");
    ASSERT_FALSE(example.empty());
    const ConfigLoad load = parse_reaper_config(example, "spawnreaper.toml(5) EXAMPLE");
    ASSERT_FALSE(load.error) << load.error->text();
    EXPECT_EQ(load.config->rules.size(), 2u);
}

}  // namespace
}  // namespace spawngate
