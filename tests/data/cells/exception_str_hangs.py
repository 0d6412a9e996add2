# status: error
# error: Stuck
# timeout: 1
# kernel: survives
class Stuck(Exception):
    def __str__(self):
        while True:
            pass
raise Stuck()
