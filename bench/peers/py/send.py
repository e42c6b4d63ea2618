# W3: 3,000,000 method sends to a counter object
class Counter:
    def __init__(self):
        self.count = 0

    def incr(self):
        self.count = self.count + 1

def run():
    c = Counter()
    for i in range(3000000):
        c.incr()
    return c.count

result = run()
