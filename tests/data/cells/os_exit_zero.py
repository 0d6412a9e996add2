# status: crashed
# detail: exited with status 0
# kernel: restarted
import os
os._exit(0)
