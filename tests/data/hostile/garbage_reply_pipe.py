# Garbage, half a line and invalid JSON behind a plausible mac, on every inherited descriptor.
# --- cell: failed tampering
import os
for fd in range(3, 64):
    try:
        os.write(fd, b"\x00\xff garbage \x1b[2J\n" + b"a" * 32 + b" {not json}\n" + b'{"id": 9')
    except OSError:
        pass
