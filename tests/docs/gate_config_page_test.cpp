// spawngate(1) and spawngate.toml(5) held to the gate's settings table, both ways: every setting's
// flag names its environment variable and key, every key is documented and every documented key
// is real, --hook lists the values the gate takes, and the config example loads.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <regex>

#include "config_file.hpp"
#include "doc_text.hpp"
#include "fixture_tree.hpp"
#include "setting_table.hpp"
#include "settings.hpp"

namespace spawngate {
namespace {

using docs::listed;
using docs::missing_from;
using docs::run;
using testkit::ProcessResult;

// --- the gate's options and config keys ------------------------------------------------------

std::string gate_page() {
    return docs::read_text(docs::source_file("man/spawngate.1.scd.in"));
}

std::string gate_config_page() {
    return docs::read_text(docs::source_file("man/spawngate.toml.5.scd.in"));
}

TEST(GateManPage, EveryOptionNamesItsEnvironmentVariableAndConfigKey) {
    const std::string options = docs::scd_section(gate_page(), "OPTIONS", false);
    for (const SettingSpec& spec : setting_table()) {
        const std::string definition = docs::definition_of(options, spec.flag);
        ASSERT_FALSE(definition.empty()) << spec.flag << " is not defined in spawngate(1)";
        EXPECT_NE(definition.find("*" + std::string(spec.env) + "*"), std::string::npos)
            << "spawngate(1) " << spec.flag << " does not name " << spec.env;
        EXPECT_NE(definition.find("*" + std::string(spec.config_key) + "*"), std::string::npos)
            << "spawngate(1) " << spec.flag << " does not name the key " << spec.config_key;
    }
}

TEST(GateManPage, EveryEnvironmentVariableIsInEnvironment) {
    const std::string environment = docs::scd_section(gate_page(), "ENVIRONMENT", false);
    for (const SettingSpec& spec : setting_table())
        EXPECT_NE(environment.find("*" + std::string(spec.env) + "*"), std::string::npos)
            << spec.env << " is not under ENVIRONMENT in spawngate(1)";
    EXPECT_NE(environment.find("*SPAWNGATE_CONFIG*"), std::string::npos);
}

// The values --hook takes, as the gate itself lists them when given a wrong one.
std::set<std::string> hook_values_of_the_gate() {
    const ProcessResult result = run(docs::built_gate(), {"--hook", "no-such-protocol"});
    EXPECT_EQ(result.exit_code, 64) << result.stderr_text;
    const std::size_t expected = result.stderr_text.find("expected ");
    std::set<std::string> values;
    if (expected == std::string::npos) return values;
    static const std::regex word(R"([a-z][a-z-]*)");
    const std::string list = result.stderr_text.substr(expected + 9);
    for (auto it = std::sregex_iterator(list.begin(), list.end(), word);
         it != std::sregex_iterator(); ++it)
        if (it->str() != "or") values.insert(it->str());
    return values;
}

TEST(GateManPage, HookValuesAreTheOnesTheGateTakes) {
    const std::set<std::string> taken = hook_values_of_the_gate();
    ASSERT_FALSE(taken.empty());
    const std::string options = docs::scd_section(gate_page(), "OPTIONS", false);
    const std::string definition = docs::definition_of(options, "--hook");
    const std::string first_line = definition.substr(0, definition.find('\n'));
    std::set<std::string> documented;
    static const std::regex value(R"(\*([a-z][a-z-]*)\*)");
    for (auto it = std::sregex_iterator(first_line.begin(), first_line.end(), value);
         it != std::sregex_iterator(); ++it)
        documented.insert((*it)[1].str());
    EXPECT_EQ(documented, taken) << "spawngate(1) --hook lists " << listed(documented)
                                 << "; the gate takes " << listed(taken);
}

TEST(GateHelp, HookLineListsEveryValueTheGateTakes) {
    const std::string help = run(docs::built_gate(), {"--help"}).stdout_text;
    const std::size_t hook = help.find("  --hook ");
    ASSERT_NE(hook, std::string::npos);
    const std::string line = help.substr(hook, help.find('\n', hook) - hook);
    for (const std::string& value : hook_values_of_the_gate())
        EXPECT_TRUE(std::regex_search(line, std::regex("(^| )" + value + "( |$)")))
            << "--help's --hook line lacks " << value << ": " << line;
}

TEST(GateConfigManPage, DocumentsEveryKeyOfTheSettingsTable) {
    std::set<std::string> keys;
    for (const SettingSpec& spec : setting_table()) keys.insert(std::string(spec.config_key));
    const std::set<std::string> documented =
        docs::defined_keys(docs::scd_section(gate_config_page(), "KEYS", true));
    EXPECT_TRUE(missing_from(keys, documented).empty())
        << "not in spawngate.toml(5): " << listed(missing_from(keys, documented));
    EXPECT_TRUE(missing_from(documented, keys).empty())
        << "spawngate.toml(5) documents keys the gate does not take: "
        << listed(missing_from(documented, keys));
}

TEST(GateConfigManPage, ExampleLoadsWithTheGatesOwnParser) {
    const std::string example = docs::first_literal_block(gate_config_page(), "EXAMPLE");
    ASSERT_FALSE(example.empty());
    const testkit::FixtureTree tree;
    tree.write("/spawngate.toml", example);
    const std::string path = tree.path_of("/spawngate.toml");
    ::chmod(path.c_str(), 0644);
    const ConfigLoad load = load_config_file(path, true);
    ASSERT_FALSE(load.error) << *load.error;
    EXPECT_GE(load.entries.size(), 5u);
    GateSettings settings;
    for (const ConfigEntry& entry : load.entries)
        EXPECT_EQ(find_setting_by_key(entry.key)->apply(settings, entry.value), "") << entry.where;
}

}  // namespace
}  // namespace spawngate
