# A fork server that says ready in plain JSON (the old protocol): not sealed, not believed.
import json
import _common
sock, seal = _common.connect()
sock.send(json.dumps({"op": "ready", "preloaded": [], "failed": {}}).encode())
sock.recv(1 << 16)
