# status: error
# error: Weird
# kernel: survives
class Weird(Exception):
    def __str__(self):
        raise RuntimeError("cannot describe myself")
raise Weird()
