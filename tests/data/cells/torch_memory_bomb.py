# status: error
# error: RuntimeError
# detail: allocate
# kernel: survives
import torch
t = torch.empty(2**36)
