# status: timeout
# timeout: 1
# kernel: restarted
# detail: did not stop when interrupted
import time
try:
    time.sleep(60)
finally:
    time.sleep(60)
