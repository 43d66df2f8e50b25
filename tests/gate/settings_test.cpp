// Settings from flags, SPAWNGATE_* environment and the TOML config file, in that precedence.
#include <gtest/gtest.h>

#include <map>

#include "command_line.hpp"
#include "config_file.hpp"
#include "fixture_tree.hpp"

namespace spawngate {
namespace {

using testkit::FixtureTree;

// load_settings takes a plain function pointer, so the fake environment lives here.
std::map<std::string, std::string>& fake_environment() {
    static std::map<std::string, std::string> variables;
    return variables;
}
const char* lookup(const char* name) {
    const auto found = fake_environment().find(name);
    return found == fake_environment().end() ? nullptr : found->second.c_str();
}

class Settings : public ::testing::Test {
  protected:
    void SetUp() override {
        fake_environment().clear();
        // Every test names its own config file, so the machine's /etc never leaks in.
        tree.write("/etc/spawngate.toml", "");
        fake_environment()["SPAWNGATE_CONFIG"] = tree.path_of("/etc/spawngate.toml");
    }
    void TearDown() override { fake_environment().clear(); }

    void config(std::string_view text) { tree.write("/etc/spawngate.toml", text); }
    std::string config_path() const { return tree.path_of("/etc/spawngate.toml"); }

    CommandLineParse parse(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), "spawngate");
        std::vector<const char*> argv;
        for (const auto& argument : arguments) argv.push_back(argument.c_str());
        return parse_command_line(static_cast<int>(argv.size()), argv.data());
    }
    SettingsLoad load(std::vector<std::string> arguments) {
        const CommandLineParse parsed = parse(std::move(arguments));
        EXPECT_TRUE(parsed.command_line) << parsed.error.message;
        if (!parsed.command_line) return {};
        return load_settings(*parsed.command_line, lookup);
    }
    GateSettings loaded(std::vector<std::string> arguments) {
        const SettingsLoad result = load(std::move(arguments));
        EXPECT_TRUE(result.settings) << result.error.message;
        return result.settings.value_or(GateSettings{});
    }
    std::string load_error(std::vector<std::string> arguments) {
        const SettingsLoad result = load(std::move(arguments));
        EXPECT_FALSE(result.settings);
        return result.error.message;
    }
    std::string parse_error(std::vector<std::string> arguments) {
        const CommandLineParse result = parse(std::move(arguments));
        EXPECT_FALSE(result.command_line);
        return result.error.message;
    }

    FixtureTree tree;
};

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST_F(Settings, DefaultsApplyWhenNothingIsSet) {
    const GateSettings settings = loaded({});
    EXPECT_DOUBLE_EQ(settings.thresholds.warn_ratio, 0.70);
    EXPECT_DOUBLE_EQ(settings.thresholds.block_ratio, 0.85);
    EXPECT_EQ(settings.thresholds.thread_warn, 400u);
    EXPECT_EQ(settings.cost, 1u);
    EXPECT_FALSE(settings.budget);
    EXPECT_FALSE(settings.fail_closed);
}

TEST_F(Settings, ConfigFileOverridesTheDefault) {
    config("warn_percent = 60\n");
    EXPECT_DOUBLE_EQ(loaded({}).thresholds.warn_ratio, 0.60);
}

TEST_F(Settings, EnvironmentOverridesTheConfigFile) {
    config("warn_percent = 60\n");
    fake_environment()["SPAWNGATE_WARN"] = "65";
    EXPECT_DOUBLE_EQ(loaded({}).thresholds.warn_ratio, 0.65);
}

TEST_F(Settings, FlagOverridesTheEnvironment) {
    config("warn_percent = 60\n");
    fake_environment()["SPAWNGATE_WARN"] = "65";
    EXPECT_DOUBLE_EQ(loaded({"--warn", "50"}).thresholds.warn_ratio, 0.50);
}

TEST_F(Settings, EmptyEnvironmentVariableIsUnset) {
    fake_environment()["SPAWNGATE_WARN"] = "";
    EXPECT_DOUBLE_EQ(loaded({}).thresholds.warn_ratio, 0.70);
}

TEST_F(Settings, FlagWithEqualsAndFlagWithSeparateValueBothWork) {
    EXPECT_EQ(loaded({"--cost=25"}).cost, 25u);
    EXPECT_EQ(loaded({"--cost", "25"}).cost, 25u);
}

TEST_F(Settings, PercentAcceptsDecimalsAndAPercentSign) {
    EXPECT_DOUBLE_EQ(loaded({"--block=90%"}).thresholds.block_ratio, 0.90);
    EXPECT_DOUBLE_EQ(loaded({"--warn", "72.5"}).thresholds.warn_ratio, 0.725);
}

TEST_F(Settings, ConfigFileAcceptsEveryKeyAndValueKind) {
    config(
        "cost = 3\nwarn_percent = 50.5\nblock_percent = \"80\"\nthread_warn = 100\n"
        "memory_warn_percent = 70\nmemory_block_percent = 75\nbudget = 500\n"
        "fail_closed = true\n");
    const GateSettings settings = loaded({});
    EXPECT_EQ(settings.cost, 3u);
    EXPECT_DOUBLE_EQ(settings.thresholds.warn_ratio, 0.505);
    EXPECT_DOUBLE_EQ(settings.thresholds.block_ratio, 0.80);
    EXPECT_EQ(settings.thresholds.thread_warn, 100u);
    EXPECT_DOUBLE_EQ(settings.thresholds.memory_warn_ratio, 0.70);
    EXPECT_DOUBLE_EQ(settings.thresholds.memory_block_ratio, 0.75);
    EXPECT_EQ(settings.budget, 500u);
    EXPECT_TRUE(settings.fail_closed);
}

TEST_F(Settings, FailClosedSwitchNeedsNoValue) {
    EXPECT_TRUE(loaded({"--fail-closed"}).fail_closed);
    EXPECT_FALSE(loaded({"--fail-closed=false"}).fail_closed);
}

TEST_F(Settings, FailClosedFlagOverridesTheConfigFile) {
    config("fail_closed = true\n");
    EXPECT_FALSE(loaded({"--fail-closed=no"}).fail_closed);
}

TEST_F(Settings, InvalidFlagValueNamesTheFlag) {
    const std::string error = load_error({"--warn", "seventy"});
    EXPECT_TRUE(contains(error, "--warn = 'seventy'")) << error;
    EXPECT_TRUE(contains(error, "percentage")) << error;
}

TEST_F(Settings, PercentOutOfRangeIsRejected) {
    EXPECT_TRUE(contains(load_error({"--block", "150"}), "--block"));
    EXPECT_TRUE(contains(load_error({"--block", "-5"}), "--block"));
    EXPECT_TRUE(contains(load_error({"--block", "nan"}), "--block"));
}

TEST_F(Settings, InvalidCountNamesTheFlag) {
    EXPECT_TRUE(contains(load_error({"--cost", "-1"}), "--cost = '-1'"));
    EXPECT_TRUE(contains(load_error({"--thread-warn", "1e3"}), "--thread-warn"));
    EXPECT_TRUE(contains(load_error({"--budget", "0"}), "--budget = '0'"));
}

TEST_F(Settings, InvalidEnvironmentValueNamesTheVariable) {
    fake_environment()["SPAWNGATE_BLOCK"] = "lots";
    const std::string error = load_error({});
    EXPECT_TRUE(contains(error, "SPAWNGATE_BLOCK = 'lots'")) << error;
}

TEST_F(Settings, InvalidFailClosedEnvironmentValueNamesTheVariable) {
    fake_environment()["SPAWNGATE_FAIL_CLOSED"] = "maybe";
    EXPECT_TRUE(contains(load_error({}), "SPAWNGATE_FAIL_CLOSED = 'maybe'"));
}

TEST_F(Settings, InvalidConfigValueNamesTheFileLineAndKey) {
    config("# thresholds\nwarn_percent = 60\nblock_percent = 200\n");
    const std::string error = load_error({});
    EXPECT_TRUE(contains(error, config_path() + ":3 'block_percent'")) << error;
    EXPECT_TRUE(contains(error, "percentage")) << error;
}

TEST_F(Settings, UnknownConfigKeyNamesTheFileLineAndKey) {
    config("warn_percent = 60\nwarn_precent = 60\n");
    const std::string error = load_error({});
    EXPECT_TRUE(contains(error, config_path() + ":2 'warn_precent'")) << error;
    EXPECT_TRUE(contains(error, "unknown key")) << error;
}

TEST_F(Settings, ConfigTableIsAnUnknownKey) {
    config("[gate]\nwarn_percent = 60\n");
    EXPECT_TRUE(contains(load_error({}), "'gate'"));
}

TEST_F(Settings, ConfigArrayValueIsRejectedNamingTheKey) {
    config("cost = [1, 2]\n");
    const std::string error = load_error({});
    EXPECT_TRUE(contains(error, config_path() + ":1 'cost'")) << error;
}

TEST_F(Settings, TomlSyntaxErrorNamesTheFileAndLine) {
    config("warn_percent = 60\nblock_percent = = 5\n");
    const std::string error = load_error({});
    EXPECT_TRUE(contains(error, config_path() + ":2")) << error;
}

TEST_F(Settings, ExplicitlyNamedMissingConfigIsAnError) {
    const std::string error = load_error({"--config", tree.path_of("/nope.toml")});
    EXPECT_TRUE(contains(error, tree.path_of("/nope.toml"))) << error;
}

TEST_F(Settings, ConfigNamedByEnvironmentThatIsMissingIsAnError) {
    fake_environment()["SPAWNGATE_CONFIG"] = tree.path_of("/nope.toml");
    EXPECT_TRUE(contains(load_error({}), tree.path_of("/nope.toml")));
}

TEST_F(Settings, ConfigFlagOverridesTheConfigEnvironmentVariable) {
    tree.write("/other.toml", "cost = 9\n");
    fake_environment()["SPAWNGATE_CONFIG"] = tree.path_of("/nope.toml");
    EXPECT_EQ(loaded({"--config", tree.path_of("/other.toml")}).cost, 9u);
}

TEST_F(Settings, ConfigThatIsADirectoryIsAnError) {
    tree.make_directory("/etc/dir.toml");
    EXPECT_TRUE(
        contains(load_error({"--config", tree.path_of("/etc/dir.toml")}), "not a regular file"));
}

TEST(ConfigFile, DefaultConfigThatIsMissingIsFine) {
    FixtureTree tree;
    const ConfigLoad load = load_config_file(tree.path_of("/etc/spawngate/spawngate.toml"), false);
    EXPECT_FALSE(load.error);
    EXPECT_TRUE(load.entries.empty());
}

TEST_F(Settings, WarnAboveBlockIsRejected) {
    const std::string error = load_error({"--warn", "90", "--block", "80"});
    EXPECT_TRUE(contains(error, "warn threshold is above the block threshold")) << error;
}

TEST_F(Settings, MemoryWarnAboveMemoryBlockIsRejected) {
    EXPECT_TRUE(contains(load_error({"--memory-warn", "95"}), "memory warn threshold"));
}

TEST_F(Settings, UnknownOptionIsAUsageErrorNamingIt) {
    EXPECT_TRUE(contains(parse_error({"--wran", "70"}), "unknown option '--wran'"));
}

TEST_F(Settings, MissingValueIsAUsageErrorNamingTheFlag) {
    EXPECT_TRUE(contains(parse_error({"--cost"}), "option '--cost' needs a value"));
    EXPECT_TRUE(contains(parse_error({"--config"}), "'--config'"));
}

TEST_F(Settings, UnexpectedArgumentIsAUsageError) {
    EXPECT_TRUE(contains(parse_error({"launch"}), "unexpected argument 'launch'"));
}

TEST_F(Settings, BadHookNameIsAUsageErrorNamingIt) {
    const std::string error = parse_error({"--hook", "cursor"});
    EXPECT_TRUE(contains(error, "--hook 'cursor'")) << error;
    EXPECT_TRUE(contains(error, "claude")) << error;
}

TEST_F(Settings, HookNamesSelectTheProtocol) {
    EXPECT_EQ(loaded({"--hook", "claude"}).hook, HookProtocol::ClaudePre);
    EXPECT_EQ(loaded({"--hook=claude-post"}).hook, HookProtocol::ClaudePost);
}

TEST_F(Settings, CommandsAreRecognised) {
    EXPECT_EQ(parse({"status", "--json"}).command_line->command, Command::Status);
    EXPECT_TRUE(parse({"status", "--json"}).command_line->json);
    EXPECT_EQ(parse({"check"}).command_line->command, Command::Check);
    EXPECT_EQ(parse({"--help"}).command_line->command, Command::Help);
    EXPECT_EQ(parse({}).command_line->command, Command::Check);
}

TEST_F(Settings, ValueTakingFlagWithItsNameAsValueIsStillChecked) {
    EXPECT_TRUE(contains(load_error({"--cost", "--json"}), "--cost = '--json'"));
}

TEST_F(Settings, JsonSwitchGivenAValueIsNotCalledUnknown) {
    const std::string error = parse_error({"--json=yes"});
    EXPECT_FALSE(contains(error, "unknown option")) << error;
    EXPECT_TRUE(contains(error, "--json")) << error;
}

}  // namespace
}  // namespace spawngate
