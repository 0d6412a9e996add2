# status: error
# error: MemoryError
# kernel: survives
# memory-limit: 1536
# Allocations that are really written to (resident memory grows until the cap).
chunks = []
while True:
    chunks.append(bytearray(64 * 1024 * 1024))
