# W5: build a string from 200,000 short pieces with str.join
def run():
    parts = []
    for i in range(1, 200001):
        parts.append("item" + str(i))
    return len("".join(parts))

result = run()
