# status: crashed
# kernel: restarted
# detail: lost its connection to lectio
# A cell that closes every file descriptor it did not open, the kernel's own pipes included.
import os
os.closerange(3, 256)
