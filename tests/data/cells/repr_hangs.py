# status: timeout
# timeout: 1
# kernel: survives
class Slow:
    def __repr__(self):
        while True:
            pass
Slow()
