import fastsum
from greet import hello

print(hello("a Python app with a C extension"), fastsum.total(100))
