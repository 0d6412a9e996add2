# The lesson's kernel stops the fork server (SIGSTOP): forks from it would wait for ever; the
# fork deadline replaces it and the other lessons are still validated.
# plain: skip
# --- cell: passed
import os
import signal
parent = os.getppid()
with open(f"/proc/{parent}/cmdline", "rb") as f:
    is_server = b"engine.execution.forkserver" in f.read()
if is_server:  # never anything else (a spawned kernel's parent is lectio itself)
    os.kill(parent, signal.SIGSTOP)
