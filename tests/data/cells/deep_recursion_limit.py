# status: error
# error: RecursionError
# kernel: survives
# max-seconds: 8
# A million Python frames (3.11 does not use the C stack for them): the error and its trimmed
# traceback come back quickly (formatting every frame took 18 s).
import sys
sys.setrecursionlimit(10**6)
def f(n):
    return f(n + 1) + 1
f(0)
