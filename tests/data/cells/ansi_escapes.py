# status: ok
# kernel: survives
# stdout-contains: red
print("\x1b[2J\x1b[31mred\x1b[0m \x1b]0;title\x07 \r overwritten")
