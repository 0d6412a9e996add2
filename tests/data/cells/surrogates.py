# status: error
# error: ValueError
# kernel: survives
# Lone surrogates in the output, the shown value and an error message.
print("\ud800 and \udfff")
raise ValueError("bad \ud800 text")
