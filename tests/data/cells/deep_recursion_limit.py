# status: error
# error: RecursionError
# kernel: survives
# traceback-contains: more frames left out
# A million Python frames (3.11 does not use the C stack for them): the error comes back with a
# trimmed traceback, the cell's first and last frames and a count of the others (formatting
# every frame took 18 s).
import sys
sys.setrecursionlimit(10**6)
def f(n):
    return f(n + 1) + 1
f(0)
