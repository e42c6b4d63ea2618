# Runs one workload (argv[1]). It prints "start" just before it compiles
# the workload and the result when the workload is done: the bench times
# the work between the two lines on the wall clock, as it times batos, so
# the interpreter's start-up is not counted.
import sys

path = sys.argv[1]
with open(path) as f:
    src = f.read()
print("start", flush=True)
g = {"__name__": "__workload__"}
exec(compile(src, path, "exec"), g)
print(g["result"], flush=True)
