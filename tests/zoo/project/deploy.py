# Invocation 7: `python3 -u deploy.py`. A deploy step as a child process, the way deploy scripts
# call rsync or kubectl.
import subprocess

print("deploying")
subprocess.run(["sleep", "300"], check=True)
print("deployed")
