# status: crashed
# detail: SIGSEGV
# kernel: restarted
import ctypes
ctypes.string_at(0)
