// The reservation ledger (/run/spawngate): whatever parses re-formats and re-parses to the same
// reservations, and the outstanding count never comes out below any one reservation.
#include <algorithm>

#include "fuzz_support.hpp"
#include "reservation_ledger.hpp"

namespace {

bool same(const spawngate::Ledger& a, const spawngate::Ledger& b) {
    return std::equal(a.reservations.begin(), a.reservations.end(), b.reservations.begin(),
                      b.reservations.end(), [](const auto& x, const auto& y) {
                          return x.created_ms == y.created_ms && x.expires_ms == y.expires_ms &&
                                 x.tasks == y.tasks && x.baseline == y.baseline;
                      });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = spawngate::fuzz::as_text(data, size);
    const spawngate::LedgerParse parsed = spawngate::parse_ledger(text);
    FUZZ_CHECK(parsed.ledger.has_value() == parsed.problem.empty());
    if (!parsed.ledger) return 0;
    spawngate::Ledger ledger = *parsed.ledger;

    const spawngate::LedgerParse again = spawngate::parse_ledger(spawngate::format_ledger(ledger));
    if (!again.ledger || !same(*again.ledger, ledger)) __builtin_trap();

    // Before any task appeared, every reservation is outstanding: the sum is at least each one
    // (a wrapped sum would let a burst through).
    std::uint64_t largest = 0;
    for (const auto& r : ledger.reservations) {
        FUZZ_CHECK(r.expires_ms >= r.created_ms);
        largest = std::max(largest, r.tasks);
    }
    FUZZ_CHECK(spawngate::outstanding_tasks(ledger, 0) >= largest);

    // Pruning at the first entry's creation keeps a subset, in order.
    if (!ledger.reservations.empty()) {
        const std::size_t before = ledger.reservations.size();
        const std::uint64_t now_ms = ledger.reservations.front().created_ms;
        spawngate::prune_expired(ledger, now_ms);
        FUZZ_CHECK(ledger.reservations.size() <= before);
        for (const auto& r : ledger.reservations) FUZZ_CHECK(r.expires_ms > now_ms);
        spawngate::forget_absorbed(ledger, UINT64_MAX);
        FUZZ_CHECK(ledger.reservations.empty() ||
                   spawngate::outstanding_tasks(ledger, UINT64_MAX) > 0);
    }
    return 0;
}
