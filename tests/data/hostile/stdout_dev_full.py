# stdout pointed at /dev/full (every write fails), with output left in the buffer; then a
# non-blocking, full output pipe. The next cell prints exactly its own text.
# --- cell: passed
import os
import sys
full = os.open("/dev/full", os.O_WRONLY)
os.dup2(full, 1)
os.dup2(full, 2)
try:
    print("stale output that could not be written " * 100)
    sys.stdout.flush()
except OSError:
    pass
sys.stdout.write("still buffered when the cell ends")
# --- cell: passed
import sys
sys.stdout = open("/dev/full", "w")
sys.stderr = open("/dev/full", "w", buffering=1)
print("lost")
# --- cell: passed
import os
import sys
os.set_blocking(1, False)
try:
    for _ in range(2000):
        sys.stdout.write("x" * 4096)
except (BlockingIOError, OSError):
    pass
