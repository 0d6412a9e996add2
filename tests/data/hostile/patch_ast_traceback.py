# ast.parse turned into "pass" and traceback formatting that raises.
# --- cell: passed
import ast
import traceback
real = ast.parse
ast.parse = lambda *a, **k: real("pass")
def broken(*a, **k):
    raise RuntimeError("traceback is broken")
traceback.format_exception_only = broken
traceback.format_list = broken
traceback.StackSummary.extract = broken
