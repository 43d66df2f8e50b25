#include "gate_answer_checks.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace spawngate::load {
namespace {

using nlohmann::json;

int level_rank(const std::string& level) {
    if (level == "block") return 2;
    if (level == "warn") return 1;
    if (level == "allow") return 0;
    return -1;
}

const char* level_for(double percent, double warn_percent, double block_percent) {
    if (percent >= block_percent) return "block";
    if (percent >= warn_percent) return "warn";
    return "allow";
}

std::uint64_t number(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_number_unsigned() ? found->get<std::uint64_t>() : 0;
}

// Checks one entry of limits[]; returns its level as the gate should have judged it.
std::string check_limit(const json& limit, const json& thresholds,
                        std::vector<std::string>& violations) {
    const std::string kind = limit.value("kind", "");
    const bool memory = kind == "cgroup-memory";
    const double warn = thresholds.value(memory ? "memory_warn_percent" : "warn_percent", 0.0);
    const double block = thresholds.value(memory ? "memory_block_percent" : "block_percent", 0.0);
    const std::uint64_t max = number(limit, "max");
    const double total = static_cast<double>(number(limit, "current")) +
                         static_cast<double>(number(limit, "reserved")) +
                         static_cast<double>(number(limit, "added"));
    // The gate's own ratio (JudgedLimit::ratio) in the same doubles; JSON shows 2 decimals.
    const double percent =
        max == 0 ? (total > 0 ? 1e11 : 0.0) : total / static_cast<double>(max) * 100.0;
    if (std::fabs(limit.value("percent", -1.0) - percent) > 0.006 && max != 0)
        violations.push_back("limit " + limit.dump() + " reports a percent that is not " +
                             std::to_string(percent));
    const std::string expected =
        level_for(total / static_cast<double>(max == 0 ? 1 : max), warn / 100.0, block / 100.0);
    if (limit.value("level", "") != expected)
        violations.push_back("limit " + limit.dump() + " should be at level " + expected);
    return expected;
}

}  // namespace

AnswerReading read_gate_answer(const GateCall& call, const SceneFacts& scene) {
    AnswerReading reading;
    auto& violations = reading.violations;
    if (!call.failure.empty()) violations.push_back("the run failed: " + call.failure);
    if (call.exit_code != 0 && call.exit_code != 2)
        violations.push_back("exit code " + std::to_string(call.exit_code) + " (only 0 or 2)");
    const json answer = json::parse(call.stdout_text, nullptr, false);
    if (!answer.is_object()) {
        violations.push_back("stdout is not one JSON object: '" + call.stdout_text + "'");
        return reading;
    }
    reading.verdict = answer.value("verdict", "");
    if (level_rank(reading.verdict) < 0) violations.push_back("verdict '" + reading.verdict + "'");
    if ((call.exit_code == 2) != (reading.verdict == "block"))
        violations.push_back("exit code " + std::to_string(call.exit_code) + " with verdict " +
                             reading.verdict);
    if (number(answer, "cost") != call.cost)
        violations.push_back("cost is not " + std::to_string(call.cost));
    if (answer.value("unmeasured", true)) violations.push_back("unmeasured");
    if (!answer.value("problems", json::array()).empty())
        violations.push_back("problems: " + answer["problems"].dump());
    const json thresholds = answer.value("thresholds", json::object());
    if (thresholds.value("warn_percent", 0.0) != 70.0 ||
        thresholds.value("block_percent", 0.0) != 85.0)
        violations.push_back("thresholds are not the defaults: " + thresholds.dump());

    // The caller's level: the test cgroup, its limit, a count the kernel could report.
    const json levels = answer.value("levels", json::array());
    if (levels.empty() || !levels[0].is_object()) {
        violations.push_back("no pids levels");
        return reading;
    }
    const json& own = levels[0];
    reading.current = number(own, "current");
    reading.reserved = number(answer, "reserved_tasks");
    if (own.value("cgroup", "") != scene.cgroup_path)
        violations.push_back("caller level is " + own.dump() + ", not " + scene.cgroup_path);
    if (number(own, "max") != scene.pids_max)
        violations.push_back("caller level's max is not pids.max " +
                             std::to_string(scene.pids_max));
    if (reading.current < 1 || reading.current > scene.pids_max)
        violations.push_back("caller level's current " + std::to_string(reading.current) +
                             " is outside 1.." + std::to_string(scene.pids_max));

    // Every limit's arithmetic and level; the verdict is the highest.
    int highest = answer.value("threads_over_warn", false) ? 1 : 0;
    bool own_limit_seen = false;
    for (const json& limit : answer.value("limits", json::array())) {
        highest = std::max(highest, level_rank(check_limit(limit, thresholds, violations)));
        if (limit.value("kind", "") != "cgroup-pids" ||
            limit.value("name", "") != scene.cgroup_path)
            continue;
        own_limit_seen = true;
        if (number(limit, "current") != reading.current || number(limit, "max") != scene.pids_max ||
            number(limit, "reserved") != number(answer, "reserved_tasks") ||
            number(limit, "added") != call.cost)
            violations.push_back("the test cgroup's limit " + limit.dump() +
                                 " disagrees with its level, reserved_tasks or cost");
    }
    if (!own_limit_seen) violations.push_back("the test cgroup's limit was not judged");
    if (level_rank(reading.verdict) != highest)
        violations.push_back("verdict " + reading.verdict + " contradicts the limits judged: " +
                             answer.value("limits", json::array()).dump());

    // The reservation: recorded on admission, with the judged count as its baseline.
    // Notes are ledger or lock trouble; under load the only acceptable one is the documented
    // give-up after waiting 500 ms for the lock ("... not recorded").
    for (std::size_t at = 0;
         (at = call.stderr_text.find("spawngate: note: ", at)) != std::string::npos; ++at) {
        const std::string line = call.stderr_text.substr(at, call.stderr_text.find('\n', at) - at);
        if (line.find("not recorded") != std::string::npos) {
            reading.lock_wait_gave_up = true;
        } else {
            violations.push_back("ledger or lock trouble on stderr: " + line);
        }
    }
    const json reservation = answer.value("reservation", json());
    if (reading.verdict == "block") {
        if (!reservation.is_null()) violations.push_back("a blocked launch recorded a reservation");
    } else if (reservation.is_object()) {
        if (number(reservation, "tasks") != call.cost ||
            number(reservation, "baseline") != reading.current ||
            number(reservation, "expires_in_s") != scene.reservation_ttl_s)
            violations.push_back("reservation " + reservation.dump() + " is not cost " +
                                 std::to_string(call.cost) + " at baseline " +
                                 std::to_string(reading.current));
        reading.recorded = AdmittedCall{call.started_ms, call.ended_ms, call.cost, reading.current};
    } else if (!reading.lock_wait_gave_up) {
        violations.push_back("admitted without recording a reservation, and said nothing");
    }
    return reading;
}

}  // namespace spawngate::load
