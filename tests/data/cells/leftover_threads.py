# status: ok
# kernel: survives
# Non-daemon threads still running when the cell ends, the lesson ends and the kernel stops.
import threading
import time
for _ in range(3):
    threading.Thread(target=time.sleep, args=(1000,)).start()
print(threading.active_count())
