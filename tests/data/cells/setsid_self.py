# status: error
# error: PermissionError
# kernel: survives
# The kernel already leads its own session: os.setsid() fails with EPERM and nothing changes.
import os
os.setsid()
