# status: ok
# kernel: survives
# children: killed
# A child that leaves the kernel's process group and session (start_new_session).
import subprocess
proc = subprocess.Popen(["sleep", "1000"], start_new_session=True)
print("children:", proc.pid)
