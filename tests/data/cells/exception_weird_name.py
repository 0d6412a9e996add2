# status: error
# kernel: survives
# An exception class whose name has a newline, spaces and markup.
Weird = type("Bad\nName [red]<b>", (Exception,), {})
raise Weird("with a message\non two lines")
