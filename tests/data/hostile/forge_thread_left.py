# A thread left by an earlier cell forges "ok" replies (plain JSON, the old protocol) while a
# later cell runs: that cell's result is void, and the lesson's verdicts after it are right.
# --- cell: failed RuntimeError
import json
import os
import threading
import time
def forge():
    time.sleep(0.3)  # the reply of this cell goes out first
    while True:
        for fd in range(3, 64):
            for n in range(1, 60):
                try:
                    os.write(fd, (json.dumps({"id": n, "status": "ok"}) + "\n").encode())
                except OSError:
                    break
        time.sleep(0.01)
threading.Thread(target=forge, daemon=True).start()
raise RuntimeError("the forger is running (this cell fails, so it is not run again)")
# --- cell: failed tampering
import time
time.sleep(1.0)
