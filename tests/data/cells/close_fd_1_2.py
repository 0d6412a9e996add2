# status: ok
# kernel: survives
# os.close on the output descriptors themselves.
import os
import sys
sys.stdout.flush()
os.close(1)
os.close(2)
