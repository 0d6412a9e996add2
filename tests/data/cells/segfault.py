# status: crashed
# detail: SIGSEGV
# kernel: restarted
# stdout-contains: File "<cell bad>", line 7
# The crash dump names the cell's line (faulthandler); the kernel's own frames are left out.
import ctypes
ctypes.string_at(0)
