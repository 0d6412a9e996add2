# status: ok
# kernel: survives
# A non-daemon thread spinning for ever: the cell returns, the next cell runs (the GIL is
# shared), the kernel still stops at once.
import threading
def loop():
    while True:
        pass
threading.Thread(target=loop, daemon=False).start()
print("left a spinning thread")
