# status: ok
# kernel: survives
# next: print("next")
# next-stdout: next
# A cell that leaves a timer running and ends with a value slow to show (here its repr
# sleeps; IPython's printer, imported to show the first container, is slow the same way):
# the timer is cancelled before the value is shown, so its SIGALRM, whose default action
# ends the process, never kills the kernel.
import signal
import time


class Slow:
    def __repr__(self) -> str:
        time.sleep(0.5)
        return "slow"


signal.setitimer(signal.ITIMER_REAL, 0.05)
Slow()
