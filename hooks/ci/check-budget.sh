#!/bin/sh
# A plain shell CI step: fail the pipeline when the gate blocks, and keep its verdict as an
# artifact. Usage: hooks/ci/check-budget.sh [COST] [VERDICT_FILE]
#   COST          tasks the next stage will start (default 25)
#   VERDICT_FILE  where to keep the JSON verdict (default spawngate-verdict.json)
set -eu
cost="${1:-25}"
verdict_file="${2:-spawngate-verdict.json}"
status=0
"${SPAWNGATE:-spawngate}" --cost "$cost" --json >"$verdict_file" || status=$?
case "$status" in
    0) echo "spawngate: budget ok for $cost more tasks" ;;
    2) echo "spawngate: blocked; failing this stage (see the guidance above and $verdict_file)" >&2 ;;
    *) echo "spawngate: usage or config error (exit $status)" >&2 ;;
esac
exit "$status"
