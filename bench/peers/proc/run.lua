-- Runs one workload (arg[1]). It prints "start" just before it loads the
-- workload and the result when the workload is done: the bench times the
-- work between the two lines on the wall clock, as it times batos, so
-- the interpreter's start-up is not counted. (Lua's own sub-second
-- clock, os.clock, counts CPU time, which on a busy machine is not
-- comparable with the other columns.)
io.write("start\n")
io.flush()
local chunk = assert(loadfile(arg[1]))
chunk()
local r = result
if type(r) == "number" then r = string.format("%.0f", r) end
io.write(tostring(r), "\n")
io.flush()
