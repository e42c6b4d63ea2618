# W2: sum 1..10,000,000 with a local accumulator
def run():
    s = 0
    for i in range(1, 10000001):
        s = s + i
    return s

result = run()
