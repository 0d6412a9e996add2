# status: ok
# kernel: survives
# A cell that points file descriptors 1 and 2 at /dev/null (and closes a copy): the next
# cell's output must still reach lectio.
import os
null = os.open(os.devnull, os.O_WRONLY)
os.dup2(null, 1)
os.dup2(null, 2)
os.close(null)
print("into the void")
