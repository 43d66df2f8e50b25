#!/usr/bin/env bash
# The Debian package on this machine, as an operator meets it: lintian, install, the installed
# units, commands, man pages and completion, an upgrade that keeps an edited conffile, and a purge
# that leaves nothing behind.
#   tests/package/package_test.sh build/package/spawngate_VERSION_ARCH.deb
# Exit 0 all passed; 1 a check failed; 77 skipped (with the reason), where it cannot run here.
# It installs and purges the package: it runs only as root, and never where spawngate is already
# installed (it would remove the operator's copy).
set -uo pipefail

deb="${1:-}"
skip() { echo "SKIP: $*"; exit 77; }
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
indented() { sed "/^$/d; s/^/  $1: /"; } # indented LABEL: stdin, each line shown under LABEL
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
    local description="$1"
    shift
    if "$@"; then pass "$description"; else fail "$description"; fi
}

if [ -z "$deb" ] || [ ! -f "$deb" ]; then
    skip "no package at '${deb}': build it with ./build.sh package"
fi
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
if dpkg-query -W -f='${Status}' spawngate 2>/dev/null | grep -q "ok installed\|config-files"; then
    skip "spawngate is already installed here; this test would remove it"
fi
for tool in lintian dpkg-deb bash man; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (./build.sh package installs it)"
done
systemd_runs=false
[ -d /run/systemd/system ] && systemd_runs=true

work="$(mktemp -d)"
cleanup() {
    dpkg --purge spawngate >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# What the machine holds outside dpkg's own records, caches and logs, and systemd's runtime
# state (systemd-analyze writes there); compared after the purge.
file_list() {
    find /etc /usr /lib /var /run /opt /srv -xdev \
        \( -path /var/lib/dpkg -o -path /var/cache -o -path /var/log/apt -o -path /var/lib/apt \
        -o -path /var/log/dpkg.log -o -path /var/log/alternatives.log -o -path /var/tmp \
        -o -path /run/user -o -path /run/systemd \) \
        -prune \
        -o -print 2>/dev/null | sort
}

# --- lintian: no errors, no warnings beyond debian/spawngate.lintian-overrides --------------
lintian_output="$(lintian --display-level '>=warning' "$deb" 2>&1 | grep -v 'running with root privileges')"
indented "lintian" <<<"$lintian_output"
check "lintian shows no errors or warnings" test -z "$(echo "$lintian_output" | grep -E '^[EW]: ')"

# --- install ----------------------------------------------------------------------------
file_list >"$work/before"
install_output="$(dpkg -i "$deb" </dev/null 2>&1)"
install_status=$?
indented "dpkg -i" <<<"$install_output"
check "dpkg -i succeeds" test "$install_status" -eq 0
check "installing says nothing alarming" \
    test -z "$(echo "$install_output" | grep -iE 'error|warning|fail|not found|denied')"

version="$(dpkg-query -W -f='${Version}' spawngate)"
check "the gate is in /usr/bin and static" bash -c "file -L /usr/bin/spawngate | grep -q 'statically linked'"
check "the reaper is in /usr/sbin" test -x /usr/sbin/spawnreaper
check "spawngate --version names the package version" \
    test "$(/usr/bin/spawngate --version)" = "spawngate $version"
check "spawnreaper --version names the package version" \
    test "$(/usr/sbin/spawnreaper --version)" = "spawnreaper $version"
for unit in spawnreaper.service spawnreaper.timer; do
    check "$unit is in /lib/systemd/system" test -f "/lib/systemd/system/$unit"
done
check "the unit runs the installed reaper" grep -q '^ExecStart=/usr/sbin/spawnreaper ' \
    /lib/systemd/system/spawnreaper.service
conffiles="$(dpkg-query -W -f='${Conffiles}' spawngate)"
for config in /etc/spawngate/spawngate.toml /etc/spawngate/reaper.toml /etc/cron.d/spawnreaper; do
    check "$config is a conffile" bash -c "grep -q ' $config ' <<<'$conffiles '"
done
check "the hook snippets are under /usr/share/spawngate and name /usr/bin/spawngate" \
    grep -q '"/usr/bin/spawngate --hook claude"' /usr/share/spawngate/hooks/claude-code/settings.json
check "the launch wrapper is under /usr/share/spawngate" test -x /usr/share/spawngate/spawngate-launch
for doc in README.md.gz changelog.gz copyright; do
    check "/usr/share/doc/spawngate/$doc is installed" test -f "/usr/share/doc/spawngate/$doc"
done
check "/run/spawngate exists after install (tmpfiles.d)" test -d /run/spawngate
check "/var/log/spawngate exists after install (tmpfiles.d)" test -d /var/log/spawngate
check "the timer is enabled" test -L /etc/systemd/system/timers.target.wants/spawnreaper.timer

if command -v systemd-analyze >/dev/null; then
    verify_output="$(systemd-analyze verify /lib/systemd/system/spawnreaper.service \
        /lib/systemd/system/spawnreaper.timer 2>&1)"
    verify_status=$?
    indented "systemd-analyze" <<<"$verify_output"
    check "systemd-analyze verify passes on the installed units" test "$verify_status" -eq 0
else
    echo "SKIP: systemd-analyze verify: systemd-analyze is not installed"
fi
if $systemd_runs; then
    check "the timer is active" systemctl is-active --quiet spawnreaper.timer
else
    echo "SKIP: the timer is active: systemd is not PID 1 here ($(ps -o comm= -p 1)), nothing starts units"
fi

# --- the installed commands -----------------------------------------------------------------
status_output="$(/usr/bin/spawngate status 2>&1)"
status_status=$?
head -n 12 <<<"$status_output" | indented "spawngate status"
check "spawngate status runs from /usr/bin (exit 0 or 2)" test "$status_status" -eq 0 -o "$status_status" -eq 2
check "spawngate status reports the pids budget" grep -q "pids" <<<"$status_output"
reaper_output="$(/usr/sbin/spawnreaper --once --dry-run 2>&1)"
reaper_status=$?
tail -n 5 <<<"$reaper_output" | indented "spawnreaper"
check "spawnreaper --once --dry-run runs from /usr/sbin with the installed config" \
    test "$reaper_status" -eq 0
check "spawnreaper read /etc/spawngate/reaper.toml, not its built-in rules" \
    test -z "$(grep 'built-in default' <<<"$reaper_output")"
check "the dry run looked at this machine's processes" grep -q "cycle 1: [0-9]* processes" <<<"$reaper_output"

# --- man pages and completion ---------------------------------------------------------------
for page in "1 spawngate" "8 spawnreaper" "5 spawngate.toml" "5 spawnreaper.toml"; do
    read -r section name <<<"$page"
    check "man -w finds $name($section)" bash -c "man -w $section $name | grep -q '/usr/share/man/man$section/$name.$section'"
    check "$name($section) names version $version" \
        bash -c "zcat /usr/share/man/man$section/$name.$section.gz | grep -q 'spawngate $version'"
done
# complete_word COMMAND WORD...: what the installed completion offers for the last word.
cat >"$work/complete_word.sh" <<'SCRIPT'
source "/usr/share/bash-completion/completions/$1"
function_name="$(complete -p "$1" | sed -n 's/.* -F \([^ ]*\) .*/\1/p')"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
"$function_name" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"
SCRIPT
complete_word() { bash --norc --noprofile "$work/complete_word.sh" "$@"; }
check "bash completes 'spawngate --fail' to --fail-closed" \
    test "$(complete_word spawngate spawngate --fail)" = "--fail-closed"
check "bash completes 'spawnreaper --dry' to --dry-run" \
    test "$(complete_word spawnreaper spawnreaper --dry)" = "--dry-run"
check "bash completes 'spawnreaper match' with the installed config's rules" \
    grep -qx stale-deploy <<<"$(complete_word spawnreaper spawnreaper match '')"

# --- upgrade: an edited conffile survives -------------------------------------------------
echo "# edited by the package test" >>/etc/spawngate/reaper.toml
cp /etc/spawngate/reaper.toml "$work/edited.toml"
reinstall_output="$(dpkg -i "$deb" </dev/null 2>&1)"
check "reinstalling the same version succeeds without a prompt" test $? -eq 0
check "reinstalling keeps the edited reaper.toml" cmp -s /etc/spawngate/reaper.toml "$work/edited.toml"
# A real upgrade: the same files under a higher version, repacked with dpkg-deb.
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: $version+test1/" "$work/next/DEBIAN/control"
dpkg-deb --root-owner-group -b "$work/next" "$work/next.deb" >/dev/null
upgrade_output="$(dpkg -i "$work/next.deb" </dev/null 2>&1)"
upgrade_status=$?
grep -i conf <<<"$reinstall_output"$'\n'"$upgrade_output" | indented "dpkg -i"
check "upgrading to $version+test1 succeeds without a prompt" test "$upgrade_status" -eq 0
check "the upgrade is installed" test "$(dpkg-query -W -f='${Version}' spawngate)" = "$version+test1"
check "the upgrade keeps the edited reaper.toml" cmp -s /etc/spawngate/reaper.toml "$work/edited.toml"
check "the upgrade keeps the timer enabled" \
    test -L /etc/systemd/system/timers.target.wants/spawnreaper.timer

# --- purge leaves nothing behind ----------------------------------------------------------
purge_output="$(dpkg --purge spawngate 2>&1)"
check "dpkg --purge succeeds" test $? -eq 0
grep -iE 'warning|error' <<<"$purge_output" | indented "dpkg --purge"
file_list >"$work/after"
left="$(diff "$work/before" "$work/after")"
[ -n "$left" ] && indented "purge diff" <<<"$left"
check "after the purge the file list is the one before the install" test -z "$left"

echo "$failures check(s) failed"
[ "$failures" -eq 0 ]
