def hello(what):
    return f"hello from {what}"
