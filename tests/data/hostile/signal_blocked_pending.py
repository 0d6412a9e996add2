# Signals blocked and raised (pending), handlers changed, a trace function that raises and a
# delayed faulthandler dump: none of it may reach the next cell.
# --- cell: passed
import faulthandler
import os
import signal
import sys
import threading
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGUSR2, signal.SIGTERM})
main = threading.main_thread().ident
signal.pthread_kill(main, signal.SIGUSR2)  # pending on this thread: it blocks them
signal.pthread_kill(main, signal.SIGALRM)
assert signal.SIGUSR2 in signal.sigpending()
signal.signal(signal.SIGCHLD, lambda *a: 1 / 0)
signal.signal(signal.SIGINT, signal.SIG_IGN)
faulthandler.dump_traceback_later(0.3)
def tracer(frame, event, arg):
    raise RuntimeError("tracer left by an earlier cell")
sys.setprofile(lambda *a: None)
sys.settrace(tracer)
# --- cell: passed
import subprocess
import time
subprocess.run(["true"], check=True)
time.sleep(0.6)
