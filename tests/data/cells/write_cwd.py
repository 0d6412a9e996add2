# status: ok
# kernel: survives
# cwd: clean
import os
with open("junk.txt", "w") as f:
    f.write("a cell wrote this")
os.makedirs("junk-dir", exist_ok=True)
print(os.path.exists("junk.txt"))
