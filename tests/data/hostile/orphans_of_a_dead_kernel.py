# A daemon (double fork, new session) started by a cell whose kernel then dies (SIGKILL of
# itself): the daemon was re-parented to its kernel (a subreaper), then to the fork server,
# which ends it when it reaps the kernel. Nothing of the lesson outlives it.
# plain: skip
# --- cell: passed
import os
import time
LOG = os.environ.get("LECTIO_HOSTILE_LOG", os.devnull)
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        os.close(w)
        time.sleep(120)
        os._exit(0)
    os._exit(0)
os.close(w)
daemon = int(os.read(r, 32))
with open(LOG, "a") as log:
    log.write(f"daemon {daemon}\n")
time.sleep(0.1)
# --- cell: error SIGKILL
import os
import signal
os.kill(os.getpid(), signal.SIGKILL)
