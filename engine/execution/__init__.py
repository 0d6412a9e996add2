"""Running lesson code: kernels (subprocesses), the fork server, expectations and the runner.

Code never runs in the calling process: only in kernel subprocesses started from here.
"""
