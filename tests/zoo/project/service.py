# The app a deploy starts (release.sh, app/deploy.sh): a small HTTP service on a free loopback
# port. Once it listens it writes its pid to the file named by its argument, so the zoo knows
# which process to watch.
import http.server
import os
import sys

server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
with open(sys.argv[1] + ".tmp", "w") as pid_file:
    pid_file.write(f"{os.getpid()}\n")
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
