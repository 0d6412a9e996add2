# status: ok
# kernel: survives
# Monkeypatching torch's seeding: the kernel's reset must still seed (uses the originals).
import torch
def broken(*args, **kwargs):
    raise RuntimeError("seeding was sabotaged")
torch.manual_seed = broken
torch.set_default_dtype = broken
