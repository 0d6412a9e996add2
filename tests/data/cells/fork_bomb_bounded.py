# status: ok
# kernel: survives
# children: killed
# A bounded fork bomb: 50 sleeping children, then the cell returns. RLIMIT_NPROC guards the
# machine should the loop ever run away (a soft limit a little above what already runs).
import os
import resource
import time
running = sum(1 for p in os.listdir("/proc") if p.isdigit())
_, hard = resource.getrlimit(resource.RLIMIT_NPROC)
cap = running + 200
resource.setrlimit(resource.RLIMIT_NPROC, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
pids = []
for _ in range(50):
    pid = os.fork()
    if pid == 0:
        time.sleep(1000)
        os._exit(0)
    pids.append(pid)
print("children:", *pids)
