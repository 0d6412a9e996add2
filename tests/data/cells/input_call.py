# status: error
# error: EOFError
# detail: input() is not available
# kernel: survives
name = input("Your name? ")
