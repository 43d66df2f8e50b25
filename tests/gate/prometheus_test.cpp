// `spawngate status --prometheus`: node_exporter textfile-collector metrics. The output is
// checked against the text exposition format (a TYPE before every family's samples, each
// family's lines in one group, escaped label values, UTF-8), and the file is replaced whole.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include "gate_process_fixture.hpp"
#include "status_prometheus.hpp"

namespace spawngate {
namespace {

using testkit::contains;
using testkit::ProcessResult;

struct Sample {
    std::string name;
    std::map<std::string, std::string> labels;  // unescaped values
    double value = 0;
};

// Records a malformed line and gives up on the rest of the text.
std::vector<Sample> failed(std::vector<Sample>& samples, const std::string& line) {
    ADD_FAILURE() << "malformed sample line: " << line;
    return samples;
}

// Checks `text` against the Prometheus text format (version 0.0.4) and returns its samples;
// adds a test failure for every violation.
std::vector<Sample> parse_textfile(const std::string& text) {
    std::vector<Sample> samples;
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line must end with a newline";
    const auto is_name_char = [](char c, bool first) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
               (!first && std::isdigit(static_cast<unsigned char>(c)));
    };
    std::map<std::string, std::string> types;
    std::set<std::string> finished;  // families whose group of lines has ended
    std::string current_family;
    const auto enter_family = [&](const std::string& family, const std::string& line) {
        if (family == current_family) return;
        EXPECT_EQ(finished.count(family), 0u)
            << "lines of " << family << " are not grouped: " << line;
        if (!current_family.empty()) finished.insert(current_family);
        current_family = family;
    };
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        if (line.empty()) continue;
        if (line.starts_with("# TYPE ") || line.starts_with("# HELP ")) {
            const std::string rest = line.substr(7);
            const std::string name = rest.substr(0, rest.find(' '));
            enter_family(name, line);
            if (line.starts_with("# TYPE ")) {
                const std::string type = rest.substr(name.size() + 1);
                EXPECT_TRUE(type == "gauge" || type == "counter" || type == "untyped" ||
                            type == "histogram" || type == "summary")
                    << line;
                EXPECT_EQ(types.count(name), 0u) << "second TYPE line: " << line;
                types[name] = type;
            }
            continue;
        }
        if (line.starts_with("#")) continue;
        Sample sample;
        std::size_t i = 0;
        while (i < line.size() && is_name_char(line[i], i == 0)) ++i;
        sample.name = line.substr(0, i);
        EXPECT_FALSE(sample.name.empty()) << line;
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (i < line.size() && line[i] != '}') {
                const std::size_t equals = line.find('=', i);
                if (equals == std::string::npos) return failed(samples, line);
                const std::string label = line.substr(i, equals - i);
                EXPECT_FALSE(label.empty()) << line;
                for (std::size_t k = 0; k < label.size(); ++k)
                    EXPECT_TRUE(is_name_char(label[k], k == 0) && label[k] != ':') << line;
                i = equals + 1;
                EXPECT_EQ(line[i], '"') << line;
                ++i;
                std::string value;
                for (; i < line.size() && line[i] != '"'; ++i) {
                    if (line[i] != '\\') {
                        EXPECT_NE(line[i], '\n');
                        value += line[i];
                        continue;
                    }
                    ++i;
                    if (i >= line.size()) return failed(samples, line);
                    if (line[i] == '\\')
                        value += '\\';
                    else if (line[i] == '"')
                        value += '"';
                    else if (line[i] == 'n')
                        value += '\n';
                    else
                        ADD_FAILURE() << "invalid escape in " << line;
                }
                if (i >= line.size()) return failed(samples, "unterminated label value: " + line);
                ++i;  // the closing quote
                EXPECT_EQ(sample.labels.count(label), 0u) << "repeated label: " << line;
                sample.labels[label] = value;
                if (i < line.size() && line[i] == ',') ++i;
            }
            if (i >= line.size()) return failed(samples, line);
            ++i;  // '}'
        }
        if (i >= line.size()) return failed(samples, line);
        EXPECT_EQ(line[i], ' ') << line;
        const std::string number = line.substr(i + 1);
        char* parsed_end = nullptr;
        sample.value = std::strtod(number.c_str(), &parsed_end);
        EXPECT_TRUE(!number.empty() && *parsed_end == '\0') << "not a number: " << line;
        EXPECT_EQ(types.count(sample.name), 1u) << "no TYPE before " << line;
        enter_family(sample.name, line);
        samples.push_back(std::move(sample));
    }
    return samples;
}

// The first sample named `name` whose labels include `labels`; nullptr if none.
const Sample* find(const std::vector<Sample>& samples, const std::string& name,
                   const std::map<std::string, std::string>& labels = {}) {
    for (const auto& sample : samples) {
        if (sample.name != name) continue;
        bool all = true;
        for (const auto& [key, value] : labels) {
            const auto it = sample.labels.find(key);
            all = all && it != sample.labels.end() && it->second == value;
        }
        if (all) return &sample;
    }
    return nullptr;
}

bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80         ? 1
                                   : (lead >> 5) == 6  ? 2
                                   : (lead >> 4) == 14 ? 3
                                   : (lead >> 3) == 30 ? 4
                                                       : 0;
        if (length == 0 || (lead >= 0x80 && lead < 0xc2) || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) >> 6) != 2) return false;
        i += length;
    }
    return true;
}

TEST(PrometheusLabel, EscapesBackslashQuoteAndNewline) {
    EXPECT_EQ(prometheus_label("/a\\b\"c\nd"), "/a\\\\b\\\"c\\nd");
    EXPECT_EQ(prometheus_label("/plain/path"), "/plain/path");
}

class PrometheusMetrics : public ::testing::Test, public testkit::GateProcess {
  protected:
    static constexpr const char* kOddCgroup = "/agents/we\"ird\\name";

    // A v2 caller in a cgroup whose name has a quote and a backslash, below /agents; both
    // levels have a limit, pids.peak and pids.events, and the caller has memory accounting.
    void odd_cgroup_caller() const {
        testkit::lay_out_v2(tree, kOddCgroup);
        const std::string leaf = "/sys/fs/cgroup" + std::string(kOddCgroup);
        testkit::write_pids(tree, "/sys/fs/cgroup/agents", "300", "120");
        testkit::write_pids(tree, leaf, "200", "100");
        testkit::write_tasks(tree, leaf, 4, 100, true);
        tree.write("/sys/fs/cgroup/agents/pids.peak", "250\n");
        tree.write("/sys/fs/cgroup/agents/pids.events", "max 3\n");
        tree.write(leaf + "/pids.peak", "180\n");
        tree.write(leaf + "/pids.events", "max 0\n");
        tree.write(leaf + "/memory.max", "1073741824\n");
        tree.write(leaf + "/memory.stat", "anon 104857600\nfile 524288000\nshmem 4096\n");
    }
};

TEST_F(PrometheusMetrics, StdoutIsValidTextfileFormat) {
    odd_cgroup_caller();
    const ProcessResult result = run({"status", "--prometheus", "-"});
    EXPECT_EQ(result.exit_code, 0) << result.stderr_text;
    EXPECT_EQ(result.stderr_text, "");
    const std::vector<Sample> samples = parse_textfile(result.stdout_text);
    EXPECT_FALSE(samples.empty());
    EXPECT_TRUE(valid_utf8(result.stdout_text));
}

TEST_F(PrometheusMetrics, LabelValueWithAQuoteAndABackslashReadsBackAsTheCgroupPath) {
    odd_cgroup_caller();
    const std::vector<Sample> samples =
        parse_textfile(run({"status", "--prometheus", "-"}).stdout_text);
    const Sample* current = find(samples, "spawngate_pids_current", {{"cgroup", kOddCgroup}});
    ASSERT_NE(current, nullptr);
    EXPECT_EQ(current->value, 100);
    const Sample* max = find(samples, "spawngate_pids_max", {{"cgroup", kOddCgroup}});
    ASSERT_NE(max, nullptr);
    EXPECT_EQ(max->value, 200);
}

TEST_F(PrometheusMetrics, EveryLevelsHistoryIsReported) {
    odd_cgroup_caller();
    const std::vector<Sample> samples =
        parse_textfile(run({"status", "--prometheus", "-"}).stdout_text);
    const Sample* peak = find(samples, "spawngate_pids_peak", {{"cgroup", "/agents"}});
    ASSERT_NE(peak, nullptr);
    EXPECT_EQ(peak->value, 250);
    const Sample* events =
        find(samples, "spawngate_pids_max_events_total", {{"cgroup", "/agents"}});
    ASSERT_NE(events, nullptr);
    EXPECT_EQ(events->value, 3);
    ASSERT_NE(find(samples, "spawngate_pids_peak", {{"cgroup", kOddCgroup}}), nullptr);
}

TEST_F(PrometheusMetrics, VerdictIsOneOnTheVerdictInForce) {
    odd_cgroup_caller();
    testkit::write_pids(tree, "/sys/fs/cgroup" + std::string(kOddCgroup), "200", "150");
    const std::vector<Sample> samples =
        parse_textfile(run({"status", "--prometheus", "-"}).stdout_text);
    for (const char* verdict : {"allow", "warn", "block"}) {
        const Sample* sample = find(samples, "spawngate_verdict", {{"verdict", verdict}});
        ASSERT_NE(sample, nullptr) << verdict;
        EXPECT_EQ(sample->value, std::string(verdict) == "warn" ? 1 : 0) << verdict;
    }
    const Sample* ratio = find(samples, "spawngate_budget_used_ratio");
    ASSERT_NE(ratio, nullptr);
    EXPECT_NEAR(ratio->value, 151.0 / 200.0, 1e-9);
}

TEST_F(PrometheusMetrics, LiveReservationsAreReported) {
    v1_caller_at(50);
    ASSERT_EQ(run({"--cost", "25", "--reserve"}).exit_code, 0);
    ASSERT_EQ(run({"--cost", "15", "--reserve"}).exit_code, 0);
    const std::vector<Sample> samples =
        parse_textfile(run({"status", "--prometheus", "-"}).stdout_text);
    const Sample* reserved = find(samples, "spawngate_reserved_tasks");
    ASSERT_NE(reserved, nullptr);
    EXPECT_EQ(reserved->value, 40);
}

TEST_F(PrometheusMetrics, CgroupNameThatIsNotUtf8StillGivesUtf8Output) {
    // Prometheus rejects a whole textfile whose label values are not UTF-8.
    const std::string cgroup = "/agents/job-\xff\xfe";
    testkit::lay_out_v2(tree, cgroup);
    testkit::write_pids(tree, "/sys/fs/cgroup" + cgroup, "200", "10");
    testkit::write_tasks(tree, "/sys/fs/cgroup" + cgroup, 1, 10, true);
    const ProcessResult result = run({"status", "--prometheus", "-"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(valid_utf8(result.stdout_text)) << result.stdout_text;
    parse_textfile(result.stdout_text);
}

class PrometheusFile : public PrometheusMetrics {
  protected:
    std::string metrics_dir() const { return tree.path_of("/var/lib/node-exporter"); }
    std::string metrics_file() const { return metrics_dir() + "/spawngate.prom"; }
};

TEST_F(PrometheusFile, FileIsReplacedWholeOnEveryWrite) {
    odd_cgroup_caller();
    tree.make_directory("/var/lib/node-exporter");
    ASSERT_EQ(::chmod(metrics_dir().c_str(), 0755), 0);

    ino_t previous_inode = 0;
    for (const char* current : {"100", "170"}) {
        testkit::write_pids(tree, "/sys/fs/cgroup" + std::string(kOddCgroup), "200", current);
        const ProcessResult result = run({"status", "--prometheus", metrics_file()});
        EXPECT_EQ(result.stdout_text, "") << "metrics go to the file only";
        EXPECT_EQ(result.stderr_text, "");
        const std::string text = testkit::read_whole_file(metrics_file());
        const std::vector<Sample> samples = parse_textfile(text);
        ASSERT_NE(find(samples, "spawngate_read_problems"), nullptr) << "complete: " << text;
        const Sample* sample = find(samples, "spawngate_pids_current", {{"cgroup", kOddCgroup}});
        ASSERT_NE(sample, nullptr);
        EXPECT_EQ(sample->value, std::stod(current));

        struct stat info {};
        ASSERT_EQ(::stat(metrics_file().c_str(), &info), 0);
        EXPECT_NE(info.st_ino, previous_inode) << "replaced by rename, not rewritten in place";
        previous_inode = info.st_ino;
    }
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(metrics_dir())) {
        ++files;
        EXPECT_EQ(entry.path().filename(), "spawngate.prom") << "left behind: " << entry.path();
    }
    EXPECT_EQ(files, 1u);
}

TEST_F(PrometheusFile, ExitCodeIsTheVerdictsWhenTheFileIsWritten) {
    odd_cgroup_caller();
    testkit::write_pids(tree, "/sys/fs/cgroup" + std::string(kOddCgroup), "200", "190");
    tree.make_directory("/var/lib/node-exporter");
    EXPECT_EQ(run({"status", "--prometheus", metrics_file()}).exit_code, 2);
    EXPECT_TRUE(std::filesystem::exists(metrics_file()));
}

TEST_F(PrometheusFile, WorldWritableDirectoryIsRefused) {
    odd_cgroup_caller();
    tree.make_directory("/var/lib/node-exporter");
    ASSERT_EQ(::chmod(metrics_dir().c_str(), 0777), 0);
    const ProcessResult result = run({"status", "--prometheus", metrics_file()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.stderr_text, "cannot write metrics")) << result.stderr_text;
    EXPECT_TRUE(contains(result.stderr_text, "writable by other users")) << result.stderr_text;
    EXPECT_FALSE(std::filesystem::exists(metrics_file()));
}

TEST_F(PrometheusFile, MissingDirectoryIsAnErrorNotACrash) {
    odd_cgroup_caller();
    const ProcessResult result = run({"status", "--prometheus", metrics_file()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_TRUE(contains(result.stderr_text, "cannot write metrics")) << result.stderr_text;
}

}  // namespace
}  // namespace spawngate
