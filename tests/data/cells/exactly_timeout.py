# status: ok|timeout
# timeout: 1
# kernel: survives
# A cell that takes exactly its time limit: either outcome is fine, but it must be one of them
# and the kernel keeps its variables.
import time
time.sleep(1.0)
