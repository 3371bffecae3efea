# group: CPython's counterpart of Benchmarks/group.peer: 200_000 dicts from the MINSTD
# generator (seed 42), grouped by status and by project with count and average visits, 5
# times as a grouping (lists of members per key, then the aggregates) and 5 times with a
# running count and sum per key. The same checksum line.
N = 200_000
ROUNDS = 5
STATUSES = ["active", "pending", "closed", "referred", "paused"]


def mix(h, count, average):
    return (h * 31 + count * 7 + int(average * 1000)) % 1_000_000_007


def grouped(recs, key):
    groups = {}
    for r in recs:
        k = r[key]
        members = groups.get(k)
        if members is None:
            groups[k] = [r]
        else:
            members.append(r)
    return [(len(ms), sum(m["visits"] for m in ms) / len(ms)) for ms in groups.values()]


def main():
    seed = 42

    def nextrand():
        nonlocal seed
        seed = (seed * 48271) % 2147483647
        return seed

    recs = []
    for i in range(1, N + 1):
        recs.append({
            "id": i,
            "project": 1 + nextrand() % 9,
            "status": STATUSES[nextrand() % 5],
            "visits": nextrand() % 1000,
        })

    piped = 0
    for _ in range(ROUNDS):
        for key in ("status", "project"):
            for count, average in grouped(recs, key):
                piped = mix(piped, count, average)

    looped = 0
    for _ in range(ROUNDS):
        for key in ("status", "project"):
            counts = {}
            sums = {}
            for r in recs:
                k = r[key]
                if k in counts:
                    counts[k] += 1
                    sums[k] += r["visits"]
                else:
                    counts[k] = 1
                    sums[k] = r["visits"]
            for k, n in counts.items():
                looped = mix(looped, n, sums[k] / n)
    print("group pipeline %d loop %d" % (piped, looped))


main()
