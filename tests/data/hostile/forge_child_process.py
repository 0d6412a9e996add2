# A child process (a fork that keeps every descriptor) forges replies after its cell ended.
# --- cell: failed RuntimeError
import os
import time
if os.fork() == 0:
    time.sleep(0.3)
    for fd in range(3, 64):
        try:
            os.write(fd, b'{"id": 3, "status": "ok"}\n' * 20)
        except OSError:
            pass
    os._exit(0)
raise RuntimeError("the forging child is running")
# --- cell: failed tampering
import time
time.sleep(1.5)
