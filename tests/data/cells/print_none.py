# status: ok
# kernel: survives
# Breaking a builtin: the next cell's print must work again.
import builtins
builtins.print = None
builtins.len = "not a function"
