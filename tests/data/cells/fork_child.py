# status: ok
# kernel: survives
# children: killed
# A bare fork: the child keeps every pipe of the kernel open and never returns.
import os
import time
pid = os.fork()
if pid == 0:
    time.sleep(1000)
    os._exit(0)
print("children:", pid)
