# text: the text built-ins on 200_000 lines of comma-separated fields, names with accents
# included. CPython's counterpart of Benchmarks/text.peer (the same work, the same checksum).
N = 200_000
NAMES = ["Amira", "Élodie", "Zoë", "José", "Łukasz", "Beth", "Nguyễn", "Chloe", "Søren", "Dana"]
TOWNS = ["Leeds", "Bradford", "Hull", "York", "Sheffield", "Kraków", "Zürich"]


def main():
    lines = []
    for i in range(N):
        lines.append(",".join([str(i), NAMES[i % 10], str(i % 97), TOWNS[i % 7], "  new mother  "]))
    ages = 0
    lengths = 0
    hits = 0
    spots = 0
    for line in lines:
        parts = line.split(",")
        ages += int(parts[2])
        name = parts[1].upper()
        town = parts[3].lower()
        note = parts[4].strip()
        id = parts[0].rjust(8, "0")
        tag = name.ljust(10, ".")
        words = note.split()
        lengths += len(name) + len(town) + len(note) + len(id) + len(tag) + len(words)
        lengths += len(line.replace(",", "; "))
        if town.startswith("b") or name.endswith("Ë"):
            hits += 1
        spots += line.find("e") + line.count("o")
    print("text lines %d ages %d lengths %d hits %d spots %d" % (len(lines), ages, lengths, hits, spots))


main()
