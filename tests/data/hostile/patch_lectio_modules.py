# A lesson that imports lectio's own worker modules and replaces what runs cells and sends
# replies, so that every later cell and verify would report success.
# --- cell: passed
import importlib
ok = {"status": "ok", "display": None}
try:
    worker = importlib.import_module("engine.execution.worker")
    cellexec = importlib.import_module("engine.execution.cellexec")
    protocol = importlib.import_module("engine.execution.protocol")
except ImportError:
    pass
else:
    worker.handle = lambda runner, request: dict(ok, id=request.get("id"))
    cellexec.CellRunner.run = lambda self, code, filename: dict(ok)
    cellexec._compile = lambda code, filename: (compile("pass", "f", "exec"), None)
    protocol._dumps = lambda message: '{"status": "ok"}'
    protocol._open_line = lambda *a: {"op": "exec", "code": "pass"}
