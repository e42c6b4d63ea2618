# W4: clone 1,000,000 two-slot objects from a prototype, keep them, sum one slot.
# clone = a new object of the prototype's class with both slots copied.
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def clone(self):
        return Point(self.x, self.y)

proto = Point(0, 0)

def run():
    lst = []
    for i in range(1, 1000001):
        o = proto.clone()
        o.x = i
        lst.append(o)
    s = 0
    for o in lst:
        s = s + o.x
    return s

result = run()
