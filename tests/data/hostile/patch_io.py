# os.write, os.read, os.dup2, signal.signal, select.poll, sys.stdout's class and print
# replaced by functions that do nothing.
# --- cell: passed
import builtins
import os
import select
import signal
import sys
type(sys.stdout).write = lambda self, s: len(s)
os.write = lambda fd, data: len(data)
os.read = lambda fd, n: b""
os.dup2 = lambda *a, **k: None
signal.signal = lambda *a, **k: None
select.poll = None
builtins.print = lambda *a, **k: None
