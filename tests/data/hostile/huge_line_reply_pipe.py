# A line of 80 MiB without an end, written on every inherited descriptor that takes it.
# --- cell: failed tampering
import os
chunk = b"x" * (1 << 20)
for fd in range(3, 64):
    try:
        os.fstat(fd)
    except OSError:
        continue
    if fd in (0, 1, 2):
        continue
    try:
        os.set_blocking(fd, True)
        for _ in range(80):
            os.write(fd, chunk)
    except OSError:
        pass
