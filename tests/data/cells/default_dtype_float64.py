# status: ok
# kernel: survives
# Must not leak into the next lesson (validation forks each lesson afresh).
import torch
torch.set_default_dtype(torch.float64)
import builtins
builtins.leaked = True
print(torch.tensor([1.5]).dtype)
