# status: error
# error: ValueError
# kernel: survives
class Bad:
    def __repr__(self):
        raise ValueError("no repr for you")
Bad()
