# Invocation 3: `fab deploy` (Fabric 2). Without -H the task gets a plain invoke Context, whose
# run() is local (Connection.local() exists only once a host is named); it runs the command as
# `/bin/bash -c "sleep 300"` through invoke.
from fabric import task


@task
def deploy(c):
    c.run("sleep 300")
