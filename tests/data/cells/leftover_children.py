# status: ok
# kernel: survives
# children: killed
# Child processes that outlive the cell (one holds the output pipe open) die with the kernel.
import subprocess
procs = [subprocess.Popen(["sleep", "1000"]) for _ in range(2)]
print("children:", *[p.pid for p in procs])
