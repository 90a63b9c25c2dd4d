"""Generate realistic synthetic tumour records (CSV) for benchmarks.

Site mix follows the seed pages' order of frequency (small intestine, pancreas, lung, rectum,
appendix, stomach...); indices are drawn so that every grade and category occurs; about 1 % of
rows carry an error so that the rejection path is exercised too. Deterministic for a seed.

    python benchmarks/gen_records.py N OUT.csv [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys

COLUMNS = ("record_id", "primary_site", "differentiation", "ki67_percent", "mitoses_per_2mm2", "necrosis",
           "cytology", "ne_component_percent", "hormone_syndrome", "gastric_background",
           "hereditary_syndrome", "size_mm", "metastatic_sites", "age", "sex",
           # staging findings (drawn from a second generator, so the columns above stay as they were for a seed)
           "invasion_extent", "positive_nodes", "mesenteric_mass", "distant_metastasis")
STAGED = {"ileum", "pancreas", "rectum", "vermiform appendix", "stomach", "duodenum", "jejunum", "colon", "caecum"}
EXTENTS = ("lamina propria", "submucosa", "submucosa", "muscularis propria", "subserosa", "serosa", "adjacent organ")
PANCREAS_EXTENTS = ("limited to pancreas", "limited to pancreas", "duodenum or bile duct", "large vessel")
DISTANT = ("none", "none", "none", "liver only", "extrahepatic only", "liver and extrahepatic")
SITES = [("ileum", 18), ("pancreas", 16), ("lung", 14), ("rectum", 10), ("vermiform appendix", 8), ("stomach", 7),
         ("duodenum", 5), ("jejunum", 3), ("colon", 4), ("thymus", 1), ("skin of body", 3), ("adrenal medulla", 2),
         ("carotid body", 1), ("thyroid gland", 2), ("esophagus", 1), ("caecum", 2), ("adrenal cortex", 1)]
SYNDROMES = {"ileum": "carcinoid syndrome", "pancreas": "hyperinsulinaemic hypoglycaemia syndrome", "duodenum": "ZES"}


def staging(r: dict, srng: random.Random) -> None:
    """Staging findings for most digestive NET records (some fields left blank, as registries do)."""
    if r["primary_site"] not in STAGED or r["differentiation"] != "well" or srng.random() < 0.3:
        return
    r["invasion_extent"] = srng.choice(PANCREAS_EXTENTS if r["primary_site"] == "pancreas" else EXTENTS)
    if srng.random() < 0.8:
        r["positive_nodes"] = str(srng.choice((0, 0, 0, 1, 3, 11, 12, 20)))
    if r["primary_site"] in ("ileum", "jejunum"):
        r["mesenteric_mass"] = srng.choice(("absent", "absent", "present", ""))
    if srng.random() < 0.9:
        r["distant_metastasis"] = srng.choice(DISTANT)


def row(i: int, rng: random.Random, srng: random.Random | None = None) -> list[str]:
    site = rng.choices([s for s, _ in SITES], weights=[w for _, w in SITES])[0]
    r = dict.fromkeys(COLUMNS, "")
    r["record_id"] = f"R{i:08d}"
    r["primary_site"] = site
    r["age"] = str(rng.randint(18, 90))
    r["sex"] = rng.choice(("female", "male"))
    r["size_mm"] = f"{rng.uniform(3, 60):.1f}"
    if site in ("adrenal medulla", "carotid body", "thyroid gland", "adrenal cortex"):
        pass
    elif site == "skin of body":
        r["differentiation"] = "poor"
    else:
        diff = rng.choices(["well", "poor", "mixed"], weights=[85, 12, 3])[0]
        r["differentiation"] = diff
        if diff == "mixed":
            r["ne_component_percent"] = str(rng.randint(20, 80))
        elif diff == "poor":
            r["ki67_percent"] = str(rng.randint(30, 95))
            r["mitoses_per_2mm2"] = str(rng.randint(11, 90))
            r["cytology"] = rng.choice(("small cell", "large cell"))
            r["necrosis"] = "extensive"
        else:
            r["mitoses_per_2mm2"] = str(rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 25]))
            if site in ("lung", "thymus"):
                r["necrosis"] = rng.choice(("none", "none", "punctate"))
            else:
                r["ki67_percent"] = f"{rng.choice([0.5, 1, 2, 2.9, 3, 5, 10, 20, 25, 40]):g}"
            if site == "stomach":
                r["gastric_background"] = rng.choice(("autoimmune atrophic gastritis", "none", ""))
            if site in SYNDROMES and rng.random() < 0.15:
                r["hormone_syndrome"] = SYNDROMES[site]
    if rng.random() < 0.05:
        r["hereditary_syndrome"] = rng.choice(("MEN1", "von Hippel-Lindau disease", "NF1"))
    if rng.random() < 0.2:
        r["metastatic_sites"] = rng.choice(("liver", "liver|lymph node", "lymph node", "bone element"))
    if rng.random() < 0.01:  # an error of the kind registries hold
        r[rng.choice(["ki67_percent", "primary_site", "age"])] = rng.choice(["n/a", "-4", "unknown"])
    if srng is not None:
        staging(r, srng)
    return [r[c] for c in COLUMNS]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    srng = random.Random(a.seed + 1_000_003)
    with open(a.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for i in range(a.n):
            w.writerow(row(i, rng, srng))
    return 0


if __name__ == "__main__":
    sys.exit(main())
