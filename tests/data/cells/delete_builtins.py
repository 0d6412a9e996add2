# status: ok
# kernel: survives
# Replacing the namespace's __builtins__ by an empty dict: the next cell must still see print.
__builtins__ = {}
