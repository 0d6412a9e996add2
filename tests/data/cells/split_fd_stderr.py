# status: ok
# kernel: survives
# split: true
# stdout-alone: python out\nc out\nchild out\npython last\n
# stderr-alone: python err\nc err\nchild err\nsub err\nfd err\n
# shared: interleaved
# stdout-contains: python out\npython err\n
# Standard error from C code and child processes is standard error (expect: {stderr}), kept
# apart from stdout at the file descriptors; the shared output keeps every line (Python's own
# writes in their order; between the two pipes, the order the relay read them in).
import ctypes
import os
import subprocess
import sys

print("python out")
print("python err", file=sys.stderr)
libc = ctypes.CDLL(None)
libc.write(2, b"c err\n", 6)
libc.write(1, b"c out\n", 6)
os.system("echo child out; echo child err >&2")
subprocess.run(["sh", "-c", "echo sub err >&2"], check=True)
os.write(2, b"fd err\n")
print("python last")
