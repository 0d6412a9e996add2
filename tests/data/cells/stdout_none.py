# status: ok
# kernel: survives
import sys
sys.stdout = None
sys.stderr = None
print("nowhere")
