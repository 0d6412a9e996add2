# status: error
# error: MemoryError
# kernel: survives
huge = bytearray(64 * 1024**3)
