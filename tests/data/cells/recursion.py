# status: error
# error: RecursionError
# kernel: survives
def f(n):
    return f(n + 1)
f(0)
