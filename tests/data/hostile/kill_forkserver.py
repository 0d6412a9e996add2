# The lesson's kernel kills the process that forked it (the fork server): this lesson goes on
# in its kernel, the other lessons get a new fork server.
# plain: skip
# --- cell: passed
import os
import signal
parent = os.getppid()
with open(f"/proc/{parent}/cmdline", "rb") as f:
    is_server = b"engine.execution.forkserver" in f.read()
if is_server:  # never anything else (a spawned kernel's parent is lectio itself)
    os.kill(parent, signal.SIGKILL)
