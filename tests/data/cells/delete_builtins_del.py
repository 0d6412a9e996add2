# status: ok
# kernel: survives
del __builtins__
