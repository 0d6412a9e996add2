"""What the fake fork servers share: the socket lectio passed, and lectio's hello (its key)."""

import json
import socket
import sys

from engine.execution.protocol import FROM_FORKSERVER, key_from_hex, sealer


def connect():
    fd = int(sys.argv[sys.argv.index("--sock-fd") + 1])
    sock = socket.socket(fileno=fd)
    hello = json.loads(sock.recv(1 << 16))
    return sock, sealer(key_from_hex(hello["key"]), FROM_FORKSERVER)


def ready(sock, seal):
    sock.send(seal({"op": "ready", "preloaded": [], "failed": {}, "threads": 1}))
