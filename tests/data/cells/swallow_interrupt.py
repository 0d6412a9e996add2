# status: timeout
# timeout: 1
# kernel: restarted
# detail: did not stop when interrupted
import time
while True:
    try:
        time.sleep(0.02)
    except KeyboardInterrupt:
        print("ha, ignored")
