#!/bin/bash -e
# A deploy that restarts the app and then hangs in a later step. The app runs in a session of its
# own (setsid(1) execs in place here: a background job of a script leads no process group), so it
# is still a child of the deploy. Reaping the deploy's tree must spare it.
setsid python3 ../service.py app.pid >app.log 2>&1 </dev/null &
echo "app restarted; migrating"
sleep 300
