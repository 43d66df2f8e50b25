#!/bin/bash
# The zoo's stand-in for a user's login shell: PID 2 of the zoo's namespace, under its PID 1, and
# the leader of its own session, as a shell started by sshd or login is. It starts every
# invocation as an interactive shell starts a background job (job control: each job its own
# process group; the job's pid is the tool's own, argv as typed) and then stays, so no zoo
# process is an orphan unless it made itself one.
#
# usage: session.sh LIST STARTED
#   LIST     lines "SLUG<TAB>DIRECTORY<TAB>COMMAND", COMMAND as typed at a prompt in DIRECTORY
#   STARTED  gets "SLUG PID" per job (namespace pids); a job's output goes to logs/SLUG.log
set -m
list=$1 started=$2 project=$PWD

# stdin of every job: a FIFO held open here and never written, like a terminal nobody types into
# (`grep -r deploy /dev/stdin` reads it and must not meet EOF). Each job opens it for itself: a
# shared open file would share its flags, and node (npm) sets O_NONBLOCK on its stdin, which
# makes ansible refuse to start ("requires blocking IO on stdin").
mkfifo silent.fifo && exec 3<>silent.fifo
mkdir -p logs

while IFS=$'\t' read -r slug directory command; do
    cd "$directory" || exit 1
    eval "$command" '<"$project/silent.fifo" 3<&- >"$project/logs/$slug.log" 2>&1 &'
    echo "$slug $!" >>"$started"
    cd "$project" || exit 1
done <"$list"

while :; do
    wait
    sleep 1
done
