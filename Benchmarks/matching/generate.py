"""Writes volunteers.csv and mothers.csv for the suggest_all benchmark: 1,000 active volunteers
and 2,000 waiting mothers over the demo project's 27 postcode districts (same seed, same data)."""
import random, sys

DISTRICTS = ["BD5", "BD8", "BD21", "LE2", "LE3", "LE4", "E5", "E8", "N16", "BS5", "BS10", "BS13", "S4", "S5",
             "S9", "NE4", "NE6", "NE15", "B6", "B10", "B11", "PL1", "PL5", "LU1", "LU3", "LU4"]
LANGUAGES = ["English", "Urdu", "Polish", "Somali", "Arabic", "Bengali", "Punjabi", "Romanian"]
TAGS = ["young mum", "isolation", "postnatal depression", "single parent", "migrated to the UK", "baby loss"]

def main(volunteers, mothers, folder):
    rng = random.Random(42)
    with open(folder + "/volunteers.csv", "w") as f:
        f.write("name,postcode,languages,experiences,status,capacity,trained_on,dbs_checked_on\n")
        for i in range(volunteers):
            langs = ["English"] + rng.sample(LANGUAGES[1:], rng.randint(0, 2))
            tags = rng.sample(TAGS, rng.randint(0, 2))
            dbs = "2020-01-01" if rng.random() < 0.05 else "2025-0%d-01" % rng.randint(1, 9)
            f.write("V%d,%s 1AA,%s,%s,active,%d,2024-01-01,%s\n" % (
                i, rng.choice(DISTRICTS), "; ".join(langs), "; ".join(tags), rng.choice([1, 2, 2, 3]), dbs))
    with open(folder + "/mothers.csv", "w") as f:
        f.write("name,postcode,language,vulnerabilities,status,referral_date\n")
        for i in range(mothers):
            lang = "English" if rng.random() < 0.5 else rng.choice(LANGUAGES[1:])
            tags = rng.sample(TAGS, rng.randint(0, 2))
            f.write("M%d,%s 2BB,%s,%s,waiting,2026-10-01\n" % (i, rng.choice(DISTRICTS), lang, "; ".join(tags)))

if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
