# status: timeout
# timeout: 1
# kernel: restarted
# detail: did not stop when interrupted
# One native torch call far longer than the limit: SIGINT cannot stop it, so it is killed.
import torch
a = torch.randn(5000, 5000)
for _ in range(1000):
    torch.linalg.matrix_power(a, 60)
