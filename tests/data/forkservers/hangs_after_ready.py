# A fork server that says ready, then never answers a fork (hung).
import time
import _common
sock, seal = _common.connect()
_common.ready(sock, seal)
time.sleep(120)
