# status: ok
# kernel: survives
# truncated: true
# 10 MB on one line, no newline at all.
import sys
sys.stdout.write("x" * 10_000_000)
