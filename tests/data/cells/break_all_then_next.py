# status: ok
# kernel: survives
# next: import builtins, os, resource\nprint(builtins.print is not None, os.getcwd() != "/", resource.getrlimit(resource.RLIMIT_AS)[0] == 4 << 30)
# next-stdout: True True True
# A cell that breaks at once what the kernel puts back while lectio reads its reply (the
# builtins, the stream class, descriptor 1, the working folder, the memory cap): the next
# cell, sent as soon as the reply arrives, still finds all of it put back.
import builtins
import os
import resource
import sys

print("breaking")
type(sys.stdout).write = lambda self, text: 0
os.chdir("/")
try:  # root may lift a hard limit; anyone else cannot, and that is fine too
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
except (ValueError, OSError):
    pass
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
builtins.print = None
