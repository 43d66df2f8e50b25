#include "cgroup_membership.hpp"

#include "hot_path.hpp"
#include "text_parse.hpp"

namespace spawngate {

SPAWNGATE_HOT_PATH bool comma_list_contains(std::string_view list, std::string_view item) {
    while (!list.empty()) {
        const auto comma = list.find(',');
        if (list.substr(0, comma) == item) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

SPAWNGATE_HOT_PATH const CgroupMembership::V1Line* CgroupMembership::v1_for(
    std::string_view controller) const {
    for (const auto& line : v1)
        if (comma_list_contains(line.controllers, controller)) return &line;
    return nullptr;
}

SPAWNGATE_HOT_PATH MembershipParse parse_cgroup_membership(std::string_view text) {
    CgroupMembership membership;
    int line_number = 0;
    while (auto line = next_line(text)) {
        ++line_number;
        if (line->empty()) continue;
        const auto first = line->find(':');
        const auto second = first == std::string_view::npos ? first : line->find(':', first + 1);
        const std::string_view path =
            second == std::string_view::npos ? std::string_view{} : line->substr(second + 1);
        if (second == std::string_view::npos || path.empty() || path.front() != '/') {
            return {std::nullopt,
                    {"line " + std::to_string(line_number),
                     "not 'id:controllers:/path': " + quote_excerpt(*line)}};
        }
        const std::string_view id = line->substr(0, first);
        const std::string_view controllers = line->substr(first + 1, second - first - 1);
        if (id == "0" && controllers.empty()) {
            membership.unified = std::string(path);
        } else {
            membership.v1.push_back({std::string(controllers), std::string(path)});
        }
    }
    if (membership.v1.empty() && !membership.unified)
        return {std::nullopt, {"", "no cgroup listed (empty file)"}};
    return {std::move(membership), {}};
}

std::optional<std::string> pids_cgroup_path(const CgroupMembership& membership) {
    if (const auto* line = membership.v1_for("pids")) return line->path;
    return membership.unified;
}

}  // namespace spawngate
