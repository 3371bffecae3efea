"""The same task in CPython + SciPy: score every pair as score.peer does, then solve the
assignment with scipy.optimize.linear_sum_assignment over the volunteers' places (each
volunteer repeated once per place). Prints the same line as plan.peer."""
import csv, math, sys
import numpy as np
from scipy.optimize import linear_sum_assignment

CENTRES = {
    "BD5": (53.778, -1.757), "BD8": (53.805, -1.780), "BD21": (53.866, -1.910), "LE2": (52.615, -1.115),
    "LE3": (52.628, -1.185), "LE4": (52.665, -1.120), "E5": (51.560, -0.055), "E8": (51.545, -0.068),
    "N16": (51.562, -0.078), "BS5": (51.462, -2.560), "BS10": (51.503, -2.610), "BS13": (51.412, -2.610),
    "S4": (53.400, -1.455), "S5": (53.425, -1.475), "S9": (53.400, -1.410), "NE4": (54.970, -1.640),
    "NE6": (54.978, -1.560), "NE15": (54.985, -1.720), "B6": (52.505, -1.885), "B10": (52.472, -1.845),
    "B11": (52.455, -1.860), "PL1": (50.370, -4.160), "PL5": (50.420, -4.150), "LU1": (51.875, -0.430),
    "LU3": (51.910, -0.440), "LU4": (51.900, -0.475),
}

def km(a, b):
    (la, lo), (lb, lob) = CENTRES[a], CENTRES[b]
    r = math.pi / 180
    h = math.sin((lb - la) * r / 2) ** 2 + math.cos(la * r) * math.cos(lb * r) * math.sin((lob - lo) * r / 2) ** 2
    return round(2 * 6371.0 * math.asin(min(1, math.sqrt(h))) * 10) / 10

def items(s):
    return [x.strip() for x in s.split(";") if x.strip()]

folder = sys.argv[1]
vols = [v for v in csv.DictReader(open(folder + "/volunteers.csv")) if v["dbs_checked_on"] > "2023-11-26"]
moms = list(csv.DictReader(open(folder + "/mothers.csv")))
BIG = 1e6
scores = np.zeros((len(moms), len(vols)))
for i, m in enumerate(moms):
    md = m["postcode"].split()[0]
    mt = items(m["vulnerabilities"])
    for j, v in enumerate(vols):
        s = 3 if m["language"] in items(v["languages"]) else 0
        vt = items(v["experiences"])
        s += 2 * len([t for t in dict.fromkeys(mt) if t in vt])
        s -= int(km(md, v["postcode"].split()[0]) // 3)
        scores[i, j] = s
places = [j for j, v in enumerate(vols) for _ in range(int(v["capacity"]))]
cost = BIG - scores[:, places]  # every place filled first (all pairs allowed), then the best total
rows, cols = linear_sum_assignment(cost)
total = scores[rows, np.array(places)[cols]].sum()
print("matched %d total %d" % (len(rows), total))
