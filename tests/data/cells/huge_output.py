# status: ok
# truncated: true
# stdout-contains: output truncated
# kernel: survives
import sys
for _ in range(200):
    sys.stdout.write("x" * 100_000 + "\n")
