# status: error
# error: SystemExit
# kernel: survives
# sys.exit raises SystemExit, which is reported on the cell; the kernel does not exit.
import sys
sys.exit(2)
