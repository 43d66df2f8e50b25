#pragma once
// `spawngate status --prometheus FILE`: the status as node_exporter textfile-collector metrics,
// so fleets scrape the budget with the monitoring they already run. FILE is replaced atomically
// (the collector must never read half a file); "-" writes to stdout.

#include <string>

#include "status_data.hpp"

namespace spawngate {

std::string status_prometheus(const StatusData& data);

// Escapes a Prometheus label value (backslash, double quote, newline).
std::string prometheus_label(std::string_view value);

}  // namespace spawngate
