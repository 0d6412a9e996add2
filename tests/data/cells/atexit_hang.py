# status: ok
# kernel: survives
# An atexit handler that never returns: the kernel leaves with os._exit, it never runs.
import atexit
import time
atexit.register(time.sleep, 1000)
