# status: ok
# stdout-contains: �
# kernel: survives
import os
import sys
sys.stdout.buffer.write(b"bad bytes: \xff\xfe\x80\n")
sys.stdout.flush()
os.write(1, b"raw \xc3\x28 write\n")
print("surrogate \udcff survives")
