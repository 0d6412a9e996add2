# status: timeout
# timeout: 1
# kernel: restarted
# A cell that turns SIGINT off altogether.
import signal
import time
signal.signal(signal.SIGINT, signal.SIG_IGN)
time.sleep(60)
