# A daemon (double fork, new session) left by this lesson tries, for as long as it lives, to
# open the descriptors of the fork server, of lectio and of every other lesson's kernel through
# /proc/<pid>/fd and to write into their pipes. It must reach nothing and end with its lesson.
# plain: skip
# --- cell: passed
import os
import stat
import time

LOG = os.environ.get("LECTIO_HOSTILE_LOG", os.devnull)
me = os.getpid()
server = os.getppid()


def parent(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return int(f.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


def targets():
    """Only processes of this lectio run, never anything else on the machine."""
    if server <= 1 or b"engine.execution.forkserver" not in cmdline(server):
        return set()
    found = {server, parent(server)}
    for name in os.listdir("/proc"):
        if name.isdigit() and parent(int(name)) == server and int(name) != me:
            found.add(int(name))
    return {pid for pid in found if pid > 1 and (b"engine" in cmdline(pid) or b"pytest" in cmdline(pid))}


def haunt():
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            found = targets()
        except OSError:
            found = set()
        for pid in found:
            try:
                fds = os.listdir(f"/proc/{pid}/fd")
            except OSError:
                continue
            for fd in fds:
                path = f"/proc/{pid}/fd/{fd}"
                try:
                    if not stat.S_ISFIFO(os.stat(path).st_mode):
                        continue
                    w = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                except OSError:
                    continue
                with open(LOG, "a") as log:
                    log.write(f"reached {pid} fd {fd}\n")
                try:
                    os.write(w, b'0123456789abcdef0123456789abcdef {"id": 1, "status": "ok"}\n')
                except OSError:
                    pass
                os.close(w)
        time.sleep(0.02)


r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.write(w, str(os.getpid()).encode())
        os.close(w)
        haunt()
        os._exit(0)
    os._exit(0)
os.close(w)
daemon = int(os.read(r, 32))
with open(LOG, "a") as log:
    log.write(f"daemon {daemon}\n")
print("children:", daemon)
# --- cell: passed
import time
time.sleep(3)
