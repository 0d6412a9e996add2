# status: timeout
# timeout: 1
# error: KeyboardInterrupt
# kernel: survives
# A loop of torch operations: the interrupt lands between two of them.
import torch
x = torch.randn(500, 500)
while True:
    x = torch.tanh(x @ x)
