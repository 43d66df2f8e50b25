#!/bin/bash -e
# A deploy that already finished: its last step starts the app in its own session and returns,
# as deploys without a service manager do (setsid -f forks, so the app is re-parented to PID 1).
# The app must outlive every reaper cycle: an orphaned interpreter, but a session leader.
setsid -f python3 service.py service.pid >service.log 2>&1 </dev/null
