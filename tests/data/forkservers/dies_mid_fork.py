# A fork server that dies half way through a fork: it reads the request and exits.
import os
import _common
sock, seal = _common.connect()
_common.ready(sock, seal)
sock.recv(1 << 16)
os._exit(3)
