# status: ok
# kernel: survives
# A last value whose repr is 50 MB: shown cut.
class Big:
    def __repr__(self):
        return "y" * 50_000_000
Big()
