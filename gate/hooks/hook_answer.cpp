#include "hook_answer.hpp"

#include "verdict_report.hpp"

namespace spawngate {
namespace {

std::string without_final_newline(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::string joined(std::string first, const std::string& second) {
    if (first.empty()) return second;
    if (second.empty()) return first;
    return first + "\n" + second;
}

}  // namespace

std::string hook_block_reason(const Verdict& verdict, const Measurement& measurement,
                              const GateSettings& settings) {
    return joined(without_final_newline(block_guidance(verdict, settings)),
                  without_final_newline(measurement_note(verdict, measurement, settings)));
}

std::string hook_warning(const Verdict& verdict, const Measurement& measurement,
                         const GateSettings& settings) {
    return joined(without_final_newline(warning_line(verdict, settings)),
                  without_final_newline(measurement_note(verdict, measurement, settings)));
}

std::string hook_state(const Verdict& verdict, const Measurement& measurement,
                       const GateSettings& settings) {
    if (verdict.level != Level::Block) return hook_warning(verdict, measurement, settings);
    return joined(without_final_newline(state_line(verdict, settings)),
                  without_final_newline(measurement_note(verdict, measurement, settings)));
}

}  // namespace spawngate
