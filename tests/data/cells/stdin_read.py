# status: error
# error: EOFError
# kernel: survives
import sys
data = sys.stdin.read()
