# status: timeout
# timeout: 1
# kernel: restarted
# SIGINT ignored, then a pure-Python busy loop: the kill after the grace period still ends it.
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
