#pragma once
// What the model received: the requests the mock Responses API recorded (mock_openai.py --log,
// one JSON object per line), read back after the CLI exited. Codex sends the whole conversation
// in every request, so the requests after a tool call carry its function_call_output (the tool's
// result, or the hook's block reason) and any developer message a hook added
// (hookSpecificOutput.additionalContext).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spawngate::conformance {

class RecordedRequests {
  public:
    // Reads the log; lines that are not JSON objects are counted in malformed_lines().
    static RecordedRequests load(const std::string& path);

    std::size_t size() const { return requests_.size(); }
    std::size_t malformed_lines() const { return malformed_lines_; }

    // Requests a subagent made (Codex's x-codex-turn-metadata says "thread_source":
    // "subagent"): a subagent that started asked the model at least once.
    std::size_t subagent_requests() const;

    // The function_call_output the model received for `call_id`, or nullopt when no request
    // carried one.
    std::optional<std::string> output_of(const std::string& call_id) const;

    // The text of every developer message in the main agent's requests, each once, in order.
    std::vector<std::string> developer_texts() const;

    // The function names the main agent's first request offered the model ("namespace/name" for
    // namespaced tools, e.g. "multi_agent_v1/spawn_agent").
    std::vector<std::string> offered_tools() const;

  private:
    std::vector<nlohmann::json> requests_;  // the recorded lines, in order
    std::size_t malformed_lines_ = 0;
};

}  // namespace spawngate::conformance
