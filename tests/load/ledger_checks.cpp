#include "ledger_checks.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace spawngate::load {
namespace {

std::string describe(const Reservation& r) {
    return "{created " + std::to_string(r.created_ms) + ", expires " +
           std::to_string(r.expires_ms) + ", tasks " + std::to_string(r.tasks) + ", baseline " +
           std::to_string(r.baseline) + "}";
}

}  // namespace

std::uint64_t first_blocked_total(std::uint64_t pids_max, double block_ratio) {
    std::uint64_t total = 0;
    while (static_cast<double>(total) / static_cast<double>(pids_max) < block_ratio) ++total;
    return total;
}

std::vector<std::string> check_ledger_shape(const Ledger& ledger, std::uint64_t ttl_ms,
                                            std::uint64_t first_blocked) {
    std::vector<std::string> violations;
    const auto& entries = ledger.reservations;
    if (entries.empty()) {
        // Every write appends the writer's own reservation.
        violations.push_back("an empty ledger was written");
        return violations;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].expires_ms - entries[i].created_ms != ttl_ms)
            violations.push_back("entry " + std::to_string(i) + " " + describe(entries[i]) +
                                 " does not live the configured " + std::to_string(ttl_ms) + " ms");
        if (i > 0 && entries[i].created_ms < entries[i - 1].created_ms)
            violations.push_back("entry " + std::to_string(i) + " " + describe(entries[i]) +
                                 " was created before the entry ahead of it " +
                                 describe(entries[i - 1]));
    }
    const Reservation& last = entries.back();
    Ledger before;
    before.reservations.assign(entries.begin(), entries.end() - 1);
    for (const auto& earlier : before.reservations)
        if (earlier.expires_ms <= last.created_ms)
            violations.push_back("entry " + describe(earlier) +
                                 " had expired when the last entry " + describe(last) +
                                 " was recorded, yet was kept");
    const std::uint64_t outstanding_before = outstanding_tasks(before, last.baseline);
    if (!before.reservations.empty() && outstanding_before == 0)
        violations.push_back("nothing was outstanding when " + describe(last) +
                             " was recorded, yet the absorbed entries were kept");
    if (last.baseline + outstanding_before + last.tasks >= first_blocked)
        violations.push_back("the last entry " + describe(last) + " was admitted at " +
                             std::to_string(last.baseline) + " current + " +
                             std::to_string(outstanding_before) + " outstanding + " +
                             std::to_string(last.tasks) + " cost, at or above the block level " +
                             std::to_string(first_blocked));
    const std::uint64_t projected = last.baseline + outstanding_tasks(ledger, last.baseline);
    if (projected >= first_blocked)
        violations.push_back("the ledger as written projects " + std::to_string(projected) +
                             " tasks, at or above the block level " +
                             std::to_string(first_blocked));
    return violations;
}

std::vector<std::string> check_ledger_against_calls(const Ledger& ledger,
                                                    std::uint64_t read_started_ms,
                                                    const std::vector<AdmittedCall>& calls) {
    std::vector<std::string> violations;
    if (ledger.reservations.empty()) return violations;
    std::uint64_t longest_ms = 0;
    for (const auto& call : calls)
        longest_ms = std::max(longest_ms, call.ended_ms - call.started_ms);
    const auto started_after = [&](std::uint64_t ms) {
        return std::upper_bound(
            calls.begin(), calls.end(), ms,
            [](std::uint64_t t, const AdmittedCall& c) { return t < c.started_ms; });
    };

    // Every entry is some admitted launch's reservation.
    for (const auto& entry : ledger.reservations) {
        bool found = false;
        for (auto call = started_after(entry.created_ms); call != calls.begin() && !found;) {
            --call;
            if (call->started_ms + longest_ms < entry.created_ms) break;
            found = call->ended_ms >= entry.created_ms && call->tasks == entry.tasks &&
                    call->baseline == entry.baseline;
        }
        if (!found)
            violations.push_back("entry " + describe(entry) +
                                 " matches no admitted launch's reported reservation");
    }

    // No lost update: a launch that started after the oldest entry was recorded (so it took the
    // lock after that entry's writer) and ended before this read must be in it.
    const std::uint64_t oldest_created = ledger.reservations.front().created_ms;
    std::map<std::pair<std::uint64_t, std::uint64_t>, long> balance;  // (tasks, baseline)
    for (const auto& entry : ledger.reservations)
        if (entry.created_ms > oldest_created) ++balance[{entry.tasks, entry.baseline}];
    for (auto call = started_after(oldest_created); call != calls.end(); ++call) {
        if (call->started_ms >= read_started_ms) break;
        if (call->ended_ms < read_started_ms) --balance[{call->tasks, call->baseline}];
    }
    for (const auto& [key, count] : balance)
        if (count < 0)
            violations.push_back(std::to_string(-count) + " admitted launch(es) with tasks " +
                                 std::to_string(key.first) + " and baseline " +
                                 std::to_string(key.second) +
                                 " finished between the oldest entry and the read, but their "
                                 "reservations are missing (a lost update)");
    return violations;
}

}  // namespace spawngate::load
