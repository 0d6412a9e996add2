# status: error
# error: MemoryError
# detail: the kernel's limit is 4 GiB
# kernel: survives
# A runaway loop that keeps allocating: stopped by the kernel's address-space cap.
import numpy as np
chunks = []
while True:
    chunks.append(np.empty(256 * 1024 * 1024, dtype=np.uint8))
