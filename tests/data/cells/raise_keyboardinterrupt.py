# status: error
# error: KeyboardInterrupt
# kernel: survives
raise KeyboardInterrupt
