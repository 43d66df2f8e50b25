#include "reservation_ledger.hpp"

#include <algorithm>
#include <array>

#include "hot_path.hpp"
#include "text_parse.hpp"

namespace spawngate {
namespace {

constexpr std::string_view kHeader = "spawngate-ledger 1";
constexpr std::size_t kMaxReservations = 4096;     // far beyond any real burst; bounds the work
constexpr std::uint64_t kClockReadSlackMs = 5000;  // well above the 500 ms ledger lock wait

// Splits `line` on single spaces into exactly fields.size() words.
template <std::size_t N>
bool split_words(std::string_view line, std::array<std::string_view, N>& fields) {
    for (std::size_t i = 0; i < N; ++i) {
        const auto space = line.find(' ');
        if ((space == std::string_view::npos) != (i + 1 == N)) return false;
        fields[i] = line.substr(0, space);
        line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    }
    return true;
}

}  // namespace

std::string format_ledger(const Ledger& ledger) {
    std::string text(kHeader);
    text += '\n';
    for (const auto& r : ledger.reservations) {
        text += "reservation " + std::to_string(r.created_ms) + ' ' + std::to_string(r.expires_ms) +
                ' ' + std::to_string(r.tasks) + ' ' + std::to_string(r.baseline) + '\n';
    }
    text += "end " + std::to_string(ledger.reservations.size()) + '\n';
    return text;
}

LedgerParse parse_ledger(std::string_view text) {
    const auto header = next_line(text);
    if (!header || *header != kHeader)
        return {std::nullopt, "not a spawngate ledger (bad header)", {}};
    Ledger ledger;
    const auto damaged = [&ledger](std::string problem) {
        return LedgerParse{std::nullopt, std::move(problem), std::move(ledger.reservations)};
    };
    while (!text.empty()) {
        // A reservation line cut mid-number ("... 25 5" of "... 25 50") still parses: only a
        // line that reached its newline is believed.
        const bool line_complete = text.find('\n') != std::string_view::npos;
        const auto line = next_line(text);
        if (line->starts_with("end ")) {
            const auto count = parse_u64(line->substr(4));
            if (!count || *count != ledger.reservations.size())
                return damaged("its count does not match its entries (torn or edited)");
            if (!trim(text).empty()) return damaged("text after its end line");
            return {std::move(ledger), {}, {}};
        }
        if (!line_complete) break;
        std::array<std::string_view, 5> fields;
        if (!split_words(*line, fields) || fields[0] != "reservation")
            return damaged("malformed line");
        const auto created = parse_u64(fields[1]), expires = parse_u64(fields[2]),
                   tasks = parse_u64(fields[3]), baseline = parse_u64(fields[4]);
        if (!created || !expires || !tasks || !baseline || *expires < *created)
            return damaged("malformed reservation");
        if (ledger.reservations.size() >= kMaxReservations)
            return {std::nullopt, "more reservations than any real burst makes", {}};
        ledger.reservations.push_back({*created, *expires, *tasks, *baseline});
    }
    return damaged("no end line (torn write)");
}

void prune_expired(Ledger& ledger, std::uint64_t now_ms) {
    // Every launch reads its clock before it waits for the ledger lock, so a concurrent launch
    // that read its clock after ours may still write the ledger before we read it: an entry a
    // little "in the future" is live, and dropping it would lose that launch's reservation.
    // Only entries far in the future come from before a reboot.
    std::erase_if(ledger.reservations, [now_ms](const Reservation& r) {
        return r.expires_ms <= now_ms || r.created_ms > now_ms + kClockReadSlackMs ||
               r.expires_ms > now_ms + kMaxReservationTtlMs + kClockReadSlackMs;
    });
}

SPAWNGATE_HOT_PATH std::uint64_t outstanding_tasks(const Ledger& ledger,
                                                   std::uint64_t current_tasks) {
    if (ledger.reservations.empty()) return 0;
    std::uint64_t reserved = 0;
    std::uint64_t oldest_baseline = ledger.reservations.front().baseline;
    for (const auto& r : ledger.reservations) {
        // Saturating: a corrupt ledger's huge count must hold launches back, not wrap to a few.
        reserved = r.tasks > UINT64_MAX - reserved ? UINT64_MAX : reserved + r.tasks;
        oldest_baseline = std::min(oldest_baseline, r.baseline);
    }
    const std::uint64_t appeared =
        current_tasks > oldest_baseline ? current_tasks - oldest_baseline : 0;
    return reserved > appeared ? reserved - appeared : 0;
}

void forget_absorbed(Ledger& ledger, std::uint64_t current_tasks) {
    if (outstanding_tasks(ledger, current_tasks) == 0) ledger.reservations.clear();
}

}  // namespace spawngate
