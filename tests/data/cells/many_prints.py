# status: ok
# truncated: true
# kernel: survives
for i in range(300_000):
    print("line", i)
