# status: timeout
# timeout: 1
# error: KeyboardInterrupt
# kernel: survives
while True:
    pass
