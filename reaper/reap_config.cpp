#include "reap_config.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

// Without exceptions, as in gate/config_file.cpp: the gate links both files, and two settings of
// TOML_EXCEPTIONS in one program give two different toml++ internals under the same names (an
// ODR violation: the gate's auto-reap crashed parsing valid rules).
#define TOML_EXCEPTIONS 0
#include <toml++/toml.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>

#include "quantities.hpp"
#include "text_parse.hpp"
#include "unique_fd.hpp"

namespace spawngate {
namespace {

// Carries the error of the first bad key out of the nested parse.
struct ParseFailure {
    ConfigError error;
};

class ConfigParser {
  public:
    explicit ConfigParser(std::string source) : source_(std::move(source)) {}

    ReaperConfig parse(const toml::table& document) {
        ReaperConfig config;
        config.source = source_;
        for (auto&& [key, node] : document) {
            if (key.str() == "reaper") {
                parse_settings(node, config.settings);
            } else if (key.str() == "rule") {
                const auto* rules = node.as_array();
                if (!rules) fail(node, "", "rule", "use [[rule]] tables, one per rule");
                for (auto&& rule : *rules)
                    config.rules.push_back(parse_rule(rule, config.rules.size()));
            } else {
                fail(node, "", std::string(key.str()),
                     "unknown section (expected [reaper] or [[rule]])");
            }
        }
        if (config.rules.empty())
            throw ParseFailure{{source_, 1, "", "rule", "no [[rule]] defined: nothing to reap"}};
        for (std::size_t i = 0; i < config.rules.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (config.rules[i].name == config.rules[j].name)
                    throw ParseFailure{{source_, config.rules[i].line, config.rules[i].name, "name",
                                        fmt::format("a rule with this name is already defined "
                                                    "on line {}",
                                                    config.rules[j].line)}};
        return config;
    }

  private:
    std::string source_;
    std::string rule_;  // the rule being parsed, for messages

    [[noreturn]] void fail(const toml::node& node, std::string_view rule, std::string key,
                           std::string message) const {
        throw ParseFailure{{source_, static_cast<int>(node.source().begin.line), std::string(rule),
                            std::move(key), std::move(message)}};
    }

    std::string string_of(const toml::node& node, const std::string& key) const {
        const auto value = node.value<std::string>();
        if (!node.is_string() || !value) fail(node, rule_, key, "expected a string");
        return *value;
    }

    bool bool_of(const toml::node& node, const std::string& key) const {
        if (!node.is_boolean()) fail(node, rule_, key, "expected true or false");
        return *node.value<bool>();
    }

    std::uint64_t count_of(const toml::node& node, const std::string& key) const {
        const auto value = node.value<std::int64_t>();
        if (!node.is_integer() || !value || *value < 0)
            fail(node, rule_, key, "expected a whole number of at least 0");
        return static_cast<std::uint64_t>(*value);
    }

    std::uint64_t duration_of(const toml::node& node, const std::string& key) const {
        const std::string text = string_of(node, key);
        const auto ms = parse_duration_ms(text);
        if (!ms)
            fail(node, rule_, key,
                 fmt::format("not a duration: '{}' (write it like \"120s\", \"15m\", \"2h\")",
                             text));
        return *ms;
    }

    std::vector<std::string> strings_of(const toml::node& node, const std::string& key) const {
        const auto* array = node.as_array();
        if (!array) fail(node, rule_, key, "expected an array of strings");
        std::vector<std::string> values;
        for (auto&& item : *array) values.push_back(string_of(item, key));
        return values;
    }

    Pattern pattern_of(const toml::node& node, const std::string& key) const {
        const std::string source = string_of(node, key);
        if (source.empty()) fail(node, rule_, key, "empty pattern: it would match every process");
        std::string error;
        auto pattern = Pattern::compile(source, error);
        if (!pattern)
            fail(node, rule_, key,
                 fmt::format("not a valid extended regex '{}': {}", source, error));
        if (pattern->matches_everything())
            fail(node, rule_, key,
                 fmt::format("pattern '{}' matches every name; anchor it or name the program",
                             source));
        return *pattern;
    }

    void parse_settings(const toml::node& node, ReaperSettings& settings) {
        const auto* table = node.as_table();
        if (!table) fail(node, "", "reaper", "expected a [reaper] table");
        for (auto&& [key_name, value] : *table) {
            const std::string key(key_name.str());
            if (key == "protect_names") {
                settings.protect_names = strings_of(value, key);
            } else if (key == "protect_cmdlines") {
                const auto* array = value.as_array();
                if (!array) fail(value, "", key, "expected an array of patterns");
                for (auto&& item : *array)
                    settings.protect_cmdlines.push_back(pattern_of(item, key));
            } else if (key == "subreapers") {
                settings.subreapers = strings_of(value, key);
            } else if (key == "respawn_limit") {
                settings.respawn_limit = count_of(value, key);
                if (settings.respawn_limit == 0) fail(value, "", key, "must be at least 1");
            } else if (key == "respawn_window") {
                settings.respawn_window_ms = duration_of(value, key);
            } else if (key == "escalation_command") {
                settings.escalation_command = strings_of(value, key);
                if (!settings.escalation_command.empty() &&
                    !settings.escalation_command.front().starts_with('/'))
                    fail(value, "", key,
                         "the command must be an absolute path (no shell, no PATH search)");
            } else {
                fail(value, "", key, "unknown key in [reaper]");
            }
        }
    }

    uid_t user_of(const toml::node& node, const std::string& text) const {
        if (const auto number = parse_u64(text);
            number && text.find_first_not_of("0123456789") == std::string::npos) {
            // uid_t is 32 bits: a larger number must not wrap to a real uid (4294967296 -> root).
            if (*number >= static_cast<std::uint64_t>(static_cast<uid_t>(-1)))
                fail(node, "", "user", fmt::format("uid {} is out of range", text));
            return static_cast<uid_t>(*number);
        }
        std::array<char, 4096> buffer;
        passwd entry{};
        passwd* found = nullptr;
        if (::getpwnam_r(text.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
            fail(node, rule_, "user", fmt::format("no such user: '{}'", text));
        return found->pw_uid;
    }

    Rule parse_rule(const toml::node& node, std::size_t index) {
        const auto* table = node.as_table();
        rule_ = fmt::format("#{}", index + 1);
        if (!table) fail(node, rule_, "", "expected a [[rule]] table");
        Rule rule;
        rule.line = static_cast<int>(node.source().begin.line);
        if (const auto* name = table->get("name")) {
            rule.name = string_of(*name, "name");
            if (rule.name.empty()) fail(*name, rule_, "name", "a rule needs a non-empty name");
            rule_ = rule.name;
        } else {
            fail(node, rule_, "name", "a rule needs a name");
        }
        bool has_matcher = false;
        bool has_selective_matcher = false;  // something besides age/orphan/user/cgroup
        for (auto&& [key_name, value] : *table) {
            const std::string key(key_name.str());
            if (key == "name") continue;
            if (key == "process_name") {
                rule.process_name = pattern_of(value, key);
                has_selective_matcher = true;
            } else if (key == "exe") {
                rule.exe = pattern_of(value, key);
                has_selective_matcher = true;
            } else if (key == "cmdline") {
                rule.cmdline = pattern_of(value, key);
                has_selective_matcher = true;
            } else if (key == "program") {
                rule.program = pattern_of(value, key);
                has_selective_matcher = true;
            } else if (key == "older_than") {
                rule.older_than_ms = duration_of(value, key);
            } else if (key == "orphan") {
                rule.orphan = bool_of(value, key);
                if (!rule.orphan)
                    fail(value, rule_, key, "orphan = false matches nothing extra; remove the key");
            } else if (key == "skip_session_leaders") {
                rule.skip_session_leaders = bool_of(value, key);
                continue;  // narrows a match but selects nothing by itself
            } else if (key == "user") {
                rule.user_name = string_of(value, key);
                if (rule.user_name.empty()) fail(value, rule_, key, "empty user name");
                rule.user = user_of(value, rule.user_name);
            } else if (key == "cgroup") {
                const std::string scope = string_of(value, key);
                if (scope == "self") {
                    rule.cgroup = CgroupScope{true, {}};
                } else if (!scope.empty() && scope.front() == '/' &&
                           scope.find("..") == std::string::npos) {
                    rule.cgroup = CgroupScope{false, scope};
                } else {
                    fail(value, rule_, key,
                         "expected \"self\" or an absolute cgroup path like \"/agents\"");
                }
            } else if (key == "anon_memory_above") {
                const std::string text = string_of(value, key);
                const auto bytes = parse_size_bytes(text);
                if (!bytes || *bytes == 0)
                    fail(value, rule_, key,
                         fmt::format("not a size above 0: '{}' (write it like \"2GiB\")", text));
                rule.anon_memory_above_bytes = bytes;
                has_selective_matcher = true;
            } else if (key == "threads_above") {
                rule.threads_above = count_of(value, key);
                has_selective_matcher = true;
            } else if (key == "signal") {
                const std::string text = string_of(value, key);
                const auto signal = parse_signal_name(text);
                if (!signal)
                    fail(value, rule_, key,
                         fmt::format("unknown signal '{}' (TERM, INT, HUP, QUIT, USR1, USR2, KILL)",
                                     text));
                rule.signal = *signal;
                continue;
            } else if (key == "grace") {
                rule.grace_ms = duration_of(value, key);
                continue;
            } else if (key == "descendants") {
                rule.descendants = bool_of(value, key);
                continue;
            } else {
                fail(value, rule_, key, "unknown key in a rule");
            }
            has_matcher = true;
        }
        if (!has_matcher)
            fail(node, rule_, "", "the rule has no matcher: it would select every process");
        if (!has_selective_matcher && !rule.cgroup && !rule.older_than_ms)
            fail(node, rule_, "",
                 "the rule selects by orphan/user alone; add a name, exe, cmdline or age matcher");
        return rule;
    }
};

}  // namespace

const Rule* ReaperConfig::find_rule(std::string_view name) const {
    for (const Rule& rule : rules)
        if (rule.name == name) return &rule;
    return nullptr;
}

std::string ConfigError::text() const {
    fmt::memory_buffer out;
    const auto put = std::back_inserter(out);
    fmt::format_to(put, "{}", source);
    if (line > 0) fmt::format_to(put, ":{}", line);
    fmt::format_to(put, ": ");
    if (!rule.empty()) fmt::format_to(put, "rule '{}'{}", rule, key.empty() ? ": " : ", ");
    if (!key.empty()) fmt::format_to(put, "key '{}': ", key);
    fmt::format_to(put, "{}", message);
    return fmt::to_string(out);
}

ConfigLoad parse_reaper_config(std::string_view text, const std::string& source) {
    ConfigLoad load;
    const toml::parse_result document = toml::parse(text, source);
    if (!document) {
        const toml::parse_error& error = document.error();
        load.error = ConfigError{source, static_cast<int>(error.source().begin.line), "", "",
                                 fmt::format("not valid TOML: {}", error.description())};
        return load;
    }
    try {
        load.config = ConfigParser(source).parse(document.table());
    } catch (const ParseFailure& failure) {
        load.error = failure.error;
    }
    return load;
}

ConfigLoad load_reaper_config(const std::string& path) {
    ConfigLoad load;
    const UniqueFd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (!fd) {
        load.error =
            ConfigError{path, 0, "", "", fmt::format("cannot open: {}", std::strerror(errno))};
        return load;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
        load.error = ConfigError{path, 0, "", "", "not a regular file"};
        return load;
    }
    if ((info.st_mode & S_IWOTH) != 0 || (info.st_uid != 0 && info.st_uid != ::geteuid())) {
        load.error = ConfigError{path, 0, "", "",
                                 "writable by other users or owned by another user; refusing rules "
                                 "that anyone could change (chmod o-w, chown root)"};
        return load;
    }
    std::string text;
    char chunk[8192];
    for (;;) {
        const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            load.error =
                ConfigError{path, 0, "", "", fmt::format("cannot read: {}", std::strerror(errno))};
            return load;
        }
        if (got == 0) break;
        text.append(chunk, static_cast<std::size_t>(got));
        if (text.size() > (1u << 20)) {
            load.error = ConfigError{path, 0, "", "", "larger than 1 MiB; is this the right file?"};
            return load;
        }
    }
    return parse_reaper_config(text, path);
}

std::optional<int> parse_signal_name(std::string_view name) {
    if (name.starts_with("SIG")) name.remove_prefix(3);
    static constexpr std::array<std::pair<std::string_view, int>, 7> kSignals{{{"TERM", SIGTERM},
                                                                               {"INT", SIGINT},
                                                                               {"HUP", SIGHUP},
                                                                               {"QUIT", SIGQUIT},
                                                                               {"USR1", SIGUSR1},
                                                                               {"USR2", SIGUSR2},
                                                                               {"KILL", SIGKILL}}};
    for (const auto& [known, number] : kSignals)
        if (name == known) return number;
    return std::nullopt;
}

const char* signal_name(int signal) {
    switch (signal) {
        case SIGTERM:
            return "TERM";
        case SIGINT:
            return "INT";
        case SIGHUP:
            return "HUP";
        case SIGQUIT:
            return "QUIT";
        case SIGUSR1:
            return "USR1";
        case SIGUSR2:
            return "USR2";
        case SIGKILL:
            return "KILL";
        case SIGSTOP:
            return "STOP";  // sent by the act step only, before a tree's SIGKILL
    }
    return "?";
}

}  // namespace spawngate
