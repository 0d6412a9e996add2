# status: ok
# kernel: survives
# next: import resource\nprint(resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY)
# next-stdout: True
# A cell lifting its own memory cap (possible: the hard limit is not lowered); the next cell
# runs under the cap again.
import resource
_, hard = resource.getrlimit(resource.RLIMIT_AS)
try:
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    print("lifted")
except (ValueError, OSError) as exc:
    print("refused:", exc)
