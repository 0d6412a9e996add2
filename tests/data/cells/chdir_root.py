# status: ok
# kernel: survives
# next: import os\nopen("after-chdir.txt", "w").close()\nprint(os.getcwd() != "/", os.path.exists("/after-chdir.txt"))
# next-stdout: True False
# A cell that leaves the working folder: the next cell is back in the scratch folder.
import os
os.chdir("/")
print(os.getcwd())
