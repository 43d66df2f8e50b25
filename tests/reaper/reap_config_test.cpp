// Rule parsing: the shipped config loads, and every bad rule is refused with its rule, key and
// line named.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "default_config.hpp"
#include "fixture_tree.hpp"
#include "reap_config.hpp"

namespace spawngate {
namespace {

ConfigError error_of(std::string_view text) {
    const ConfigLoad load = parse_reaper_config(text, "test.toml");
    EXPECT_FALSE(load.config) << "accepted: " << text;
    return load.error.value_or(ConfigError{});
}

TEST(ReapConfig, ShippedDefaultConfigLoadsWithItsThreeRules) {
    const ConfigLoad load = parse_reaper_config(kDefaultReaperConfig, "reaper.toml");
    ASSERT_TRUE(load.config) << load.error->text();
    ASSERT_EQ(load.config->rules.size(), 3u);
    EXPECT_EQ(load.config->rules[0].name, "stale-deploy");
    EXPECT_EQ(load.config->rules[0].older_than_ms, 120'000u);
    EXPECT_TRUE(load.config->rules[1].orphan);
    EXPECT_EQ(load.config->rules[2].anon_memory_above_bytes, 2ull << 30);
}

TEST(ReapConfig, ShippedDeployRuleNamesDeployProgramsAndNotEditors) {
    const ConfigLoad load = parse_reaper_config(kDefaultReaperConfig, "reaper.toml");
    const Rule& rule = load.config->rules[0];
    ASSERT_EQ(rule.name, "stale-deploy");
    ASSERT_TRUE(rule.program);
    for (const char* program : {"ansible-playbook", "cap", "fab", "kamal", "deployer", "deploy",
                                "deploy.sh", "deploy.py", "deploy.rb", "deploy.js"})
        EXPECT_TRUE(rule.program->matches(program)) << program;
    for (const char* program : {"vim", "less", "tail", "grep", "git", "http.server", "bash",
                                "python3", "deploy.log", "deploy-docs", "make", "npm"})
        EXPECT_FALSE(rule.program->matches(program)) << program;
    // The cheap first filter lets through every name a deploy can run under, and not the
    // look-alikes' names.
    ASSERT_TRUE(rule.process_name);
    for (const char* name : {"ansible-playboo", "cap", "fab", "make", "npm run deploy", "node",
                             "deploy.sh", "bash", "sh", "dash", "python3", "python3.11", "ruby3.1"})
        EXPECT_TRUE(rule.process_name->matches(name)) << name;
    for (const char* name : {"vim", "vi", "less", "tail", "grep", "git", "sshd"})
        EXPECT_FALSE(rule.process_name->matches(name)) << name;
}

TEST(ReapConfig, FullRuleParsesEveryKey) {
    const ConfigLoad load = parse_reaper_config(R"(
[reaper]
protect_names = ["keep"]
protect_cmdlines = ["^important "]
subreapers = ["tini"]
respawn_limit = 5
respawn_window = "1h"
escalation_command = ["/usr/bin/logger", "-t", "spawnreaper"]

[[rule]]
name = "all-keys"
process_name = "^node$"
exe = "/node$"
cmdline = "worker"
program = "^worker\\.js$"
older_than = "15m"
orphan = true
skip_session_leaders = true
user = "root"
cgroup = "/agents"
anon_memory_above = "512MiB"
threads_above = 40
signal = "INT"
grace = "3s"
descendants = true
)",
                                                "t.toml");
    ASSERT_TRUE(load.config) << load.error->text();
    const Rule& rule = load.config->rules.front();
    EXPECT_EQ(rule.older_than_ms, 900'000u);
    ASSERT_TRUE(rule.program);
    EXPECT_TRUE(rule.program->matches("worker.js"));
    EXPECT_TRUE(rule.needs_cmdline());
    EXPECT_EQ(rule.user, 0u);
    EXPECT_EQ(rule.cgroup->path, "/agents");
    EXPECT_EQ(rule.anon_memory_above_bytes, 512ull << 20);
    EXPECT_EQ(rule.threads_above, 40u);
    EXPECT_EQ(rule.signal, 2);
    EXPECT_EQ(rule.grace_ms, 3000u);
    EXPECT_TRUE(rule.descendants);
    EXPECT_EQ(load.config->settings.respawn_limit, 5u);
    EXPECT_EQ(load.config->settings.escalation_command.size(), 3u);
}

TEST(ReapConfig, RuleWithoutMatcherIsRejected) {
    const ConfigError error = error_of("[[rule]]\nname = \"everything\"\ngrace = \"1s\"\n");
    EXPECT_EQ(error.rule, "everything");
    EXPECT_EQ(error.line, 1);
    EXPECT_NE(error.message.find("no matcher"), std::string::npos);
}

TEST(ReapConfig, EmptyPatternIsRejectedWithItsKeyAndLine) {
    const ConfigError error = error_of("[[rule]]\nname = \"x\"\n\ncmdline = \"\"\n");
    EXPECT_EQ(error.rule, "x");
    EXPECT_EQ(error.key, "cmdline");
    EXPECT_EQ(error.line, 4);
    EXPECT_EQ(error.text(),
              "test.toml:4: rule 'x', key 'cmdline': empty pattern: it would match every process");
}

TEST(ReapConfig, PatternsThatMatchEverythingAreRejected) {
    for (const char* pattern : {".*", ".", "^", "a*", "(x|)", "[^!]|!", ".+"}) {
        const ConfigError error =
            error_of(std::string("[[rule]]\nname = \"x\"\nprocess_name = '") + pattern + "'\n");
        EXPECT_EQ(error.key, "process_name") << pattern;
        EXPECT_NE(error.message.find("matches every"), std::string::npos)
            << pattern << ": " << error.message;
    }
}

TEST(ReapConfig, InvalidRegexIsRejected) {
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\nexe = '(unclosed'\n").key, "exe");
}

TEST(ReapConfig, UnknownKeyIsATypoNotIgnored) {
    const ConfigError error =
        error_of("[[rule]]\nname = \"x\"\ncmdline = 'y'\nolder_then = \"5m\"\n");
    EXPECT_EQ(error.key, "older_then");
    EXPECT_EQ(error.line, 4);
}

TEST(ReapConfig, BadDurationAndSizeAreRejected) {
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\ncmdline = 'y'\nolder_than = \"120\"\n").key,
              "older_than");
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\ncmdline = 'y'\ngrace = \"1O0s\"\n").key, "grace");
    EXPECT_EQ(
        error_of("[[rule]]\nname = \"x\"\ncmdline = 'y'\nanon_memory_above = \"2 gigs\"\n").key,
        "anon_memory_above");
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\ncmdline = 'y'\nthreads_above = \"many\"\n").key,
              "threads_above");
}

TEST(ReapConfig, OrphanAloneIsNotEnough) {
    const ConfigError error = error_of("[[rule]]\nname = \"orphans\"\norphan = true\n");
    EXPECT_EQ(error.rule, "orphans");
    EXPECT_NE(error.message.find("orphan/user alone"), std::string::npos);
}

TEST(ReapConfig, DuplicateRuleNamesAreRejected) {
    const ConfigError error =
        error_of("[[rule]]\nname = \"x\"\ncmdline = 'a'\n[[rule]]\nname = \"x\"\ncmdline = 'b'\n");
    EXPECT_EQ(error.line, 4);
    EXPECT_EQ(error.key, "name");
}

TEST(ReapConfig, UnknownUserAndSignalAreRejected) {
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\ncmdline = 'a'\nuser = \"no-such-user-here\"\n").key,
              "user");
    EXPECT_EQ(error_of("[[rule]]\nname = \"x\"\ncmdline = 'a'\nsignal = \"STOP\"\n").key, "signal");
}

TEST(ReapConfig, RelativeEscalationCommandIsRejected) {
    EXPECT_EQ(
        error_of(
            "[reaper]\nescalation_command = [\"notify\"]\n[[rule]]\nname = \"x\"\ncmdline = 'a'\n")
            .key,
        "escalation_command");
}

TEST(ReapConfig, InvalidTomlNamesItsLine) {
    const ConfigError error = error_of("[[rule]]\nname = \"x\"\ncmdline = 'a\n");
    EXPECT_EQ(error.line, 3);
    EXPECT_NE(error.message.find("not valid TOML"), std::string::npos);
}

TEST(ReapConfig, ConfigWithNoRulesIsRejected) {
    EXPECT_EQ(error_of("[reaper]\nprotect_names = []\n").key, "rule");
}

TEST(ReapConfig, FileWritableByOthersIsRefused) {
    testkit::FixtureTree tree;
    tree.write("/etc/reaper.toml", "[[rule]]\nname = \"x\"\ncmdline = 'a'\n");
    const std::string path = tree.path_of("/etc/reaper.toml");
    ASSERT_TRUE(load_reaper_config(path).config);
    ::chmod(path.c_str(), 0666);
    const ConfigLoad load = load_reaper_config(path);
    ASSERT_TRUE(load.error);
    EXPECT_NE(load.error->message.find("writable by other users"), std::string::npos);
}

TEST(ReapConfig, MissingFileIsAnError) {
    EXPECT_TRUE(load_reaper_config("/nonexistent/reaper.toml").error);
}

TEST(ReapConfig, EmptyProgramPatternIsRejectedWithItsKey) {
    const ConfigError error = error_of("[[rule]]\nname = \"x\"\nprogram = \"\"\n");
    EXPECT_EQ(error.key, "program");
    EXPECT_NE(error.message.find("empty pattern"), std::string::npos);
}

}  // namespace
}  // namespace spawngate
