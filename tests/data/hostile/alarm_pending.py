# An alarm and interval timers left running, with and without handlers: the next cells run
# as if nothing happened (a SIGALRM with no handler would end the kernel).
# --- cell: passed
import signal
signal.alarm(1)
signal.setitimer(signal.ITIMER_VIRTUAL, 0.05)
signal.setitimer(signal.ITIMER_PROF, 0.05)
# --- cell: passed
import signal
def boom(signum, frame):
    raise RuntimeError(f"signal {signum} from an earlier cell")
signal.signal(signal.SIGALRM, boom)
signal.signal(signal.SIGUSR1, boom)
signal.setitimer(signal.ITIMER_REAL, 0.2, 0.05)
# --- cell: passed
import time
t = time.monotonic()
while time.monotonic() - t < 1.5:
    sum(range(1000))
