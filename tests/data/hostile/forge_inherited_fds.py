# A blind forger: writes replies that look right (every plausible id, a fake mac) on every
# descriptor it inherited, the kernel's reply pipe among them.
# --- cell: failed tampering
import json
import os
for fd in range(3, 256):
    for n in range(1, 40):
        reply = json.dumps({"id": n, "status": "ok", "display": None})
        try:
            os.write(fd, ("0" * 32 + " " + reply + "\n").encode())
        except OSError:
            break
