# status: ok
# kernel: survives
# stdout-contains: python first\nfrom a child\nfrom os.system\npython last
# Output of child processes (written straight to the pipe) keeps its place among prints.
import os
import subprocess
print("python first")
subprocess.run(["echo", "from a child"], check=True)
os.system("echo from os.system")
print("python last")
