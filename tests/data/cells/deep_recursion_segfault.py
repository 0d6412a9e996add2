# status: crashed
# detail: SIGSEGV
# kernel: restarted
# A recursion limit far beyond the C stack, recursing through C (map): the stack overflows.
import sys
sys.setrecursionlimit(10**6)
def f(n):
    return list(map(f, [n + 1]))
f(0)
