#!/bin/bash -e
# Invocations 4-6: run as `./deploy.sh`, `bash -x deploy.sh` and `sh deploy.sh`. The step in
# the middle hangs, as a stuck rsync or health check does.
echo "deploying"
sleep 300
echo "deployed"
