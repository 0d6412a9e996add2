# A fork server that exits before saying anything (a broken interpreter, say).
import os
os._exit(1)
