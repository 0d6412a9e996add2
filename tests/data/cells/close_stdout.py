# status: ok
# kernel: survives
# A cell that closes sys.stdout; the next cell still prints.
import sys
sys.stdout.close()
sys.stderr.buffer.close()
