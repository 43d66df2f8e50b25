#include "recorded_requests.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace spawngate::conformance {
namespace {

const nlohmann::json& input_of(const nlohmann::json& request) {
    static const nlohmann::json empty = nlohmann::json::array();
    const auto body = request.find("body");
    if (body == request.end() || !body->is_object()) return empty;
    const auto input = body->find("input");
    return input != body->end() && input->is_array() ? *input : empty;
}

// Codex describes each request in a JSON header; the mock records header names as sent.
bool from_subagent(const nlohmann::json& request) {
    const auto headers = request.find("headers");
    if (headers == request.end() || !headers->is_object()) return false;
    for (const auto& [name, value] : headers->items()) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (lower != "x-codex-turn-metadata" || !value.is_string()) continue;
        const auto metadata = nlohmann::json::parse(value.get<std::string>(), nullptr, false);
        return metadata.is_object() && metadata.value("thread_source", "") == "subagent";
    }
    return false;
}

}  // namespace

RecordedRequests RecordedRequests::load(const std::string& path) {
    RecordedRequests recorded;
    std::ifstream log(path);
    for (std::string line; std::getline(log, line);) {
        nlohmann::json request = nlohmann::json::parse(line, nullptr, false);
        if (!request.is_object()) {
            ++recorded.malformed_lines_;
            continue;
        }
        if (request.value("method", "") == "POST") recorded.requests_.push_back(std::move(request));
    }
    return recorded;
}

std::size_t RecordedRequests::subagent_requests() const {
    return static_cast<std::size_t>(
        std::count_if(requests_.begin(), requests_.end(), from_subagent));
}

std::optional<std::string> RecordedRequests::output_of(const std::string& call_id) const {
    for (const auto& request : requests_) {
        for (const auto& item : input_of(request)) {
            if (!item.is_object() || item.value("type", "") != "function_call_output") continue;
            if (item.value("call_id", "") != call_id) continue;
            const auto output = item.find("output");
            if (output == item.end()) continue;
            // Plain text, or a list of content items for tools that answer with several parts.
            return output->is_string() ? output->get<std::string>() : output->dump();
        }
    }
    return std::nullopt;
}

std::vector<std::string> RecordedRequests::developer_texts() const {
    std::vector<std::string> texts;
    for (const auto& request : requests_) {
        if (from_subagent(request)) continue;
        for (const auto& item : input_of(request)) {
            if (!item.is_object() || item.value("role", "") != "developer") continue;
            const auto content = item.find("content");
            if (content == item.end() || !content->is_array()) continue;
            for (const auto& part : *content) {
                if (!part.is_object() || !part.contains("text") || !part["text"].is_string())
                    continue;
                const std::string text = part["text"].get<std::string>();
                if (std::find(texts.begin(), texts.end(), text) == texts.end())
                    texts.push_back(text);
            }
        }
    }
    return texts;
}

std::vector<std::string> RecordedRequests::offered_tools() const {
    std::vector<std::string> names;
    const auto first = std::find_if_not(requests_.begin(), requests_.end(), from_subagent);
    if (first == requests_.end()) return names;
    const nlohmann::json tools =
        first->value("body", nlohmann::json::object()).value("tools", nlohmann::json::array());
    for (const auto& tool : tools) {
        if (!tool.is_object()) continue;
        if (tool.value("type", "") == "namespace") {
            for (const auto& inner : tool.value("tools", nlohmann::json::array()))
                if (inner.is_object())
                    names.push_back(tool.value("name", "") + "/" + inner.value("name", ""));
        } else if (tool.contains("name")) {
            names.push_back(tool.value("name", ""));
        }
    }
    return names;
}

}  // namespace spawngate::conformance
