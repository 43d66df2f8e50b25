#include "cgroup_levels.hpp"

#include "hot_path.hpp"

namespace spawngate {

SPAWNGATE_HOT_PATH std::vector<std::string> cgroup_ancestry(std::string_view path) {
    std::vector<std::string> levels;
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    while (!path.empty() && path != "/") {
        levels.emplace_back(path);
        const auto slash = path.rfind('/');
        path = slash == 0 || slash == std::string_view::npos ? std::string_view("/")
                                                             : path.substr(0, slash);
    }
    levels.emplace_back("/");
    return levels;
}

}  // namespace spawngate
