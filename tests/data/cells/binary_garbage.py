# status: ok
# kernel: survives
# truncated: true
# Random bytes straight to the output, more than the cap, partly as a C-level write.
import os
import random
import sys
rng = random.Random(1)
sys.stdout.buffer.write(bytes(rng.getrandbits(8) for _ in range(200_000)))
os.write(1, bytes(rng.getrandbits(8) for _ in range(100_000)))
sys.stdout.buffer.write(os.urandom(1 << 20))
