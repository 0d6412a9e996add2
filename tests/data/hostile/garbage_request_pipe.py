# Reopens the kernel's own request pipe through /proc/self/fd (a new write end) and injects a
# request lectio never sent: the kernel refuses it and stops.
# --- cell: failed tampering
import fcntl
import os
import stat
for fd in range(3, 64):
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            continue
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY:
            continue  # only the read ends: the request pipe
        w = os.open(f"/proc/self/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        continue
    try:
        os.write(w, b'{"op": "exec", "id": 99, "code": "print(1)"}\n')
    except OSError:
        pass
    os.close(w)
