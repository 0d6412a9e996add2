# status: crashed
# detail: SIGKILL
# kernel: restarted
import os
import signal
os.kill(os.getpid(), signal.SIGKILL)
