# status: ok
# kernel: survives
# A garbage-collector callback that never returns, and the collector turned off: the next
# cell must not hang in the kernel's own code when a collection runs.
import gc
import time
def stall(phase, info):
    time.sleep(1000)
gc.callbacks.append(stall)
gc.disable()
