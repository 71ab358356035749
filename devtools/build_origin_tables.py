"""Build the estimator's shipped tables, once, from public name data (build time only).

Run from the repository root (takes a few minutes and ~3 GB of memory)::

    python3 -m uv run --with names-dataset==3.3.1 --with scikit-learn==1.9.1 \\
        --with pypinyin==0.55.0 python -m devtools.build_origin_tables

What it reads (nothing from ``../shared/data``):

- ``names-dataset`` 3.3.1 (Apache-2.0): first- and last-name tables for 105
  countries with each name's rank per country and its share per country.
- ``pypinyin`` 0.55.0 (MIT): the Mandarin pinyin syllable inventory.
- Hand-written inventories in this file: Wade-Giles/Cantonese and Korean
  name syllables, Japanese morae, and a Vietnamese name lexicon (names-dataset
  has no Vietnam table).
- ``devtools/data/{korean,chinese}_family_names.csv``: family names with national
  population figures, for the KR and CN draws (``CENSUS_FAMILY``: the country tables
  cannot supply them).

What it writes to ``talentflow/origin/data/``:

- ``origin_model.npz``: hashed n-gram weights (float16), bias, temperature,
  abstention threshold, syllable inventories, training prior, build metadata; and
  the family-name table (the same features' weights learned from the training
  names' family names alone, its bias and temperature).
- ``<work>/names.csv.gz`` (not shipped): every labelled name with its family name
  and split.
- ``heldout_names.csv.gz``: the held-out labelled names (``name,group``),
  never seen in training or calibration, used by ``origin evaluate`` tests.

Labels are the group of the country table a name was drawn from; names whose
shares across countries point to another group are down-weighted (see
``_purity``) because the tables carry migrants' names too.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import pickle
import random
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from talentflow.origin.features import (
    INVENTORIES,
    N_BUCKETS,
    bucket,
    shape_features,
    token_features,
)
from talentflow.origin.groups import GROUPS
from talentflow.origin.normalise import token_keys

# The package data it writes (this script is run from a clone, not shipped).
DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "talentflow" / "origin" / "data"
SEED = 20241210
PER_GROUP = 36_000  # names generated per group: 80% train, 10% calibration, 10% held out
HELDOUT_PER_GROUP = 1_500
#: Names with one usable token (``J. Kim``, ``X. Sun``) abstain below this top probability:
#: the confidence band at which their accuracy reaches 50 % (the rule of the general cut)
#: on the development half of the OpenReview students (issue 22; 0.50-0.60: 54 %).
ABSTAIN_SINGLE_BELOW = 0.5

COUNTRIES: dict[str, dict[str, float]] = {
    "chinese": {"CN": 4, "TW": 2, "HK": 2, "MO": 0.5, "SG": 1},
    "korean": {"KR": 1},
    "japanese": {"JP": 1},
    "south_asian": {"IN": 4, "BD": 1},
    "persian": {"IR": 4, "AF": 1},
    "arabic": {
        "SA": 1,
        "EG": 2,
        "AE": 0.5,
        "JO": 1,
        "IQ": 1,
        "KW": 0.5,
        "LB": 1,
        "LY": 0.5,
        "MA": 1,
        "DZ": 1,
        "TN": 1,
        "OM": 0.3,
        "QA": 0.3,
        "BH": 0.3,
        "YE": 0.5,
        "PS": 0.5,
        "SD": 0.5,
        "SY": 1,
    },
    "turkish": {"TR": 1},
    "hebrew": {"IL": 1},
    "anglo": {"GB": 3, "IE": 1, "US": 2, "CA": 1},
    "germanic": {"DE": 3, "AT": 1, "CH": 1, "NL": 2, "DK": 1, "SE": 1, "NO": 1, "IS": 0.3},
    "romance": {"FR": 1, "IT": 1},
    "hispanic": {
        "ES": 3,
        "PT": 1.5,
        "BR": 2,
        "MX": 2,
        "AR": 1,
        "CO": 1,
        "CL": 1,
        "PE": 1,
        "EC": 0.5,
        "BO": 0.3,
        "UY": 0.3,
        "CR": 0.3,
        "GT": 0.3,
        "HN": 0.3,
        "SV": 0.3,
        "PA": 0.3,
        "PR": 0.3,
    },
    "slavic": {"RU": 3, "PL": 2, "CZ": 1, "HR": 0.5, "RS": 0.5, "SI": 0.3, "BG": 0.5},
    "greek": {"GR": 1, "CY": 0.3},
    "other": {
        "HU": 1,
        "FI": 1,
        "EE": 0.5,
        "LT": 0.5,
        "ID": 1.5,
        "MY": 1,
        "PH": 1,
        "NG": 1.5,
        "GH": 1,
        "ET": 0.7,
        "AL": 0.5,
        "GE": 0.5,
        "KH": 0.3,
        "AO": 0.5,
        "CM": 0.5,
        "BF": 0.3,
        "ZA": 1,
        "KZ": 0.5,
        "AZ": 0.5,
        "TM": 0.3,
        "MD": 0.5,
        "HT": 0.3,
        "JM": 0.3,
        "MT": 0.2,
        "FJ": 0.2,
        "MU": 0.2,
        "NA": 0.2,
        "BW": 0.2,
        "BI": 0.2,
        "DJ": 0.1,
        "MV": 0.1,
        "BN": 0.2,
    },
}
EAST_ASIAN = {"chinese", "korean", "japanese", "vietnamese"}

WADE_GILES_CANTONESE = """
hsin hsiao hsieh hsu hsiung hsia hsiang hsien hsing hsuan hsueh hsi chih chieh chien
chiang chiao chin ching chiu chung chun chou chuan chuang chueh chi tzu tsu tsai tsao
tseng tsung tsui tso tsou tsang tsan tsen tsun ssu szu jui jung jen jan kuo kuang kuan
kung kao kai kan kang ko kou ku kua kuai kuei kun teng tung tuan tien ting tai tao te
tou tu tun pei pin ping po pai pao pan pang pen peng pi piao pien pu yu yung yuan yueh
ying yen yi yin yao ya wen wei wang wan wu lung lieh lien liu lin ling lo lu luan lun
hung huang hui hao heng hou hu hua huai huan huo ho han hang cheung chan wong leung lam
lau ng ho yeung chow kwok fung tang mak yip hui kwan siu poon choi sze au ip tam lai
kong yuen tsui law luk man so wai kin kit ming ka yan wing fai shing hing kwai kam yiu
lok tak pui suet hoi sum yee yuk mei oi ngai ngan tse tsz ngo tin cheuk kei keung
cheong ieong leong lei chao cheang kuok sio chio tou iu chong fong foo goh koh teo tay
ong ang chua tan lim yap yeo quek seah teoh khoo ooi loh toh lye kok soh
"""

KOREAN = """
kim lee yi rhee park pak bak choi choe jung jeong chung kang cho jo yoon yun jang chang
lim im han oh seo suh shin sin kwon gwon hwang ahn an song yoo yu ryu hong jeon jun chun
go ko moon mun yang son sohn bae baek paik heo huh nam noh roh ha kwak gwak sung seong
cha joo ju woo wu min na jin eom um chae won bang gong hyun hyeon ham yeo chu do so
seok sun seon sul seol ma gil pyo myung myeong ki gi ban geum ok yook yuk in maeng je
mo tak kook guk eun pyeon yong ye ji hoon hun young yeong soo su jae ho hee hye yeon
kyung kyeong gyeong dong joon hwa hwan hyuk hyeok il jong chul cheol tae kwang gwang
suk beom bum gyu kyu rim mi ah a bin been geon hyo rae ryul yeop soon wook uk kyo gyo
sik shik bok cheon dae deok duk doo du gang bo bong si hae hui ui sang seung jee
yeol yul ran rin ri rok ryong ryeong ung yung wan woong eon eop chi gu gun jeo mok
"""

JAPANESE_MORAE_ROOTS = "k s t n h m y r w g z d b p"


def _japanese() -> set[str]:
    vowels = "aiueo"
    morae = set(vowels) | {"n", "shi", "chi", "tsu", "fu", "ji", "wa", "wo"}
    for c in JAPANESE_MORAE_ROOTS.split():
        for v in vowels:
            morae.add(c + v)
    for c in ("k", "s", "t", "p"):
        for v in vowels:
            morae.add(c + c + v)
    for base in ("ky", "gy", "ny", "hy", "by", "py", "my", "ry", "sh", "ch", "j"):
        for v in "auo":
            morae.add(base + v)
    morae |= {"kki", "sshi", "tchi", "tsu", "ttsu", "ou", "ei", "uu", "oo"}
    return {m for m in morae if m not in {"yi", "ye", "wu", "wi", "we", "si", "ti", "tu", "hu"}}


VIETNAMESE_FAMILY = {
    "nguyen": 38,
    "tran": 11,
    "le": 9.5,
    "pham": 7,
    "hoang": 3,
    "huynh": 2.5,
    "phan": 4.5,
    "vu": 2,
    "vo": 2,
    "dang": 2.1,
    "bui": 2,
    "do": 1.4,
    "ho": 1.3,
    "ngo": 1.3,
    "duong": 1,
    "ly": 0.5,
    "truong": 0.8,
    "dinh": 0.8,
    "doan": 0.5,
    "lam": 0.4,
    "mai": 0.4,
    "trinh": 0.5,
    "cao": 0.4,
    "luong": 0.4,
    "ha": 0.4,
    "ta": 0.3,
    "chu": 0.2,
    "luu": 0.3,
    "kieu": 0.1,
    "quach": 0.1,
    "thai": 0.2,
    "tang": 0.1,
    "vuong": 0.2,
    "la": 0.1,
    "phung": 0.2,
    "tong": 0.1,
    "lai": 0.1,
    "nghiem": 0.05,
    "khuc": 0.05,
    "hua": 0.05,
    "giang": 0.05,
    "thach": 0.05,
    "to": 0.1,
    "diep": 0.05,
    "trieu": 0.05,
    "au": 0.05,
    "bach": 0.05,
    "kha": 0.03,
}
VIETNAMESE_MIDDLE = {
    "van": 10,
    "thi": 10,
    "duc": 3,
    "minh": 3,
    "ngoc": 3,
    "thanh": 3,
    "huu": 2,
    "quang": 2,
    "xuan": 1.5,
    "thu": 1.5,
    "hoang": 1.5,
    "anh": 1,
    "kim": 1,
    "bao": 1,
    "gia": 1,
    "dinh": 1,
    "cong": 1,
    "tuan": 1,
    "trong": 1,
    "hong": 1,
    "phuong": 1,
    "thuy": 1,
    "quoc": 1.5,
    "viet": 1,
    "nhat": 1,
    "tien": 0.5,
    "hai": 1,
    "manh": 0.5,
    "khanh": 0.5,
    "thai": 0.5,
}
VIETNAMESE_GIVEN = """
anh minh thanh huong linh tuan hung duc quang hoa lan mai trang thao dung hai long nam
phuong trung hieu khanh hoang huy khoa thu ha quan son tam tien vinh dat bao binh cuong
kien hanh nhung yen nga thuy vy nhi tu tung phong thang loc phuc hau hoai hien hue khoi
lam luan my ngan nghia ngoc nhan nhu phat quyen sang tai thinh thong tri trinh truc tuyen
uyen van vi vu xuan y an chau chi dao diem dieu dong duy giang hang hao hiep hoan huan
huyen kha khang khiem khue le lien loan luong ly mach manh nguyet nhat nhien oanh phu
phuoc quoc quy sinh tan thach thien thoa thuan tin toan trieu trieu tuong tuyet viet
"""


#: Family names drawn from national figures instead of names-dataset's table, per group:
#: (the country whose draws they replace, the data file, the share of its draws replaced).
#: The table cannot supply them: Korea holds 0.17 % of the last-name table's mass and China
#: 0.26 % (the US 4.1 %, Malaysia 1.9 %), so ``_purity`` drops ``Kim``, ``Park``, ``Choi``
#: (and ``Han``, ``Bai`` for China), and ``Lee``, ``Han``, ``Song``, ``Hong``, ``Oh``,
#: ``Lim`` have no KR rank at all. The rest of the draws keep the table's rarer spellings.
CENSUS_FAMILY: dict[str, tuple[str, str, float]] = {
    "korean": ("KR", "korean_family_names.csv", 0.9),
    "chinese": ("CN", "chinese_family_names.csv", 0.9),
}


def census_family_names(file: str) -> dict[str, float]:
    """Romanised family names and their population weights (each CSV's header says whence)."""
    with (Path(__file__).resolve().parent / "data" / file).open(encoding="utf-8") as fh:
        weights: dict[str, float] = defaultdict(float)
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            weights[row["romanised"]] += float(row["weight"])
        return dict(weights)


def _vietnamese_syllables() -> set[str]:
    return set(VIETNAMESE_FAMILY) | set(VIETNAMESE_MIDDLE) | set(VIETNAMESE_GIVEN.split())


def _pinyin() -> set[str]:
    from pypinyin import Style, lazy_pinyin  # type: ignore[import-not-found]

    chars = "".join(chr(c) for c in range(0x4E00, 0x9FA6))
    syllables = {s for s in lazy_pinyin(chars, style=Style.NORMAL, errors="ignore") if s.isalpha()}
    syllables |= {s.replace("v", "u") for s in syllables} | {"lyu", "nyu"}
    return {s for s in syllables if "v" not in s}


def inventories() -> dict[str, set[str]]:
    """The syllable inventories written into the model file."""
    return {
        "pinyin": _pinyin(),
        "wade_giles_cantonese": set(WADE_GILES_CANTONESE.split()),
        "korean": set(KOREAN.split()),
        "japanese": _japanese(),
        "vietnamese": _vietnamese_syllables(),
    }


# ----------------------------------------------------------------------------- sampling


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _latin(name: str) -> bool:
    plain = _plain(name).replace("'", "").replace("-", " ")
    return len(plain.replace(" ", "")) >= 2 and all(
        ch.isascii() and (ch.isalpha() or ch == " ") for ch in plain
    )


def _purity(entry: dict[str, Any], group: str) -> float:
    """Share of a name's (top-ten) country mass that falls in ``group``'s countries."""
    shares: dict[str, float] = entry.get("country") or {}
    total = sum(shares.values()) or 1.0
    return sum(v for c, v in shares.items() if c in COUNTRIES[group]) / total


def _country_lists(
    table: dict[str, dict[str, Any]], max_rank: int = 6000
) -> dict[tuple[str, str], tuple[list[str], np.ndarray]]:
    """Per (group, country): Latin-script names and sampling weights (Zipf x purity^2)."""
    country_group = {c: g for g, cs in COUNTRIES.items() for c in cs}
    acc: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for name, entry in table.items():
        ranks: dict[str, int] = entry.get("rank") or {}
        if not ranks or not _latin(name):
            continue
        for country, rank in ranks.items():
            group = country_group.get(country)
            if group is None or rank > max_rank:
                continue
            purity = _purity(entry, group)
            if purity < 0.2:
                continue
            acc[(group, country)].append((name, purity**2 / rank))
    out: dict[tuple[str, str], tuple[list[str], np.ndarray]] = {}
    for key, rows in acc.items():
        names = [n for n, _ in rows]
        w = np.array([x for _, x in rows])
        out[key] = (names, w / w.sum())
    return out


def _hyphenate(token: str, syllables: set[str], rng: random.Random) -> str:
    """Split a compact two-syllable given name (Weihong -> Wei-Hong / Jae-min) now and then."""
    low = token.lower()
    for cut in range(2, len(low) - 1):
        if low[:cut] in syllables and low[cut:] in syllables:
            second = low[cut:] if rng.random() < 0.5 else low[cut:].capitalize()
            sep = "-" if rng.random() < 0.75 else " "
            return low[:cut].capitalize() + sep + second
    return token


def _vietnamese_name(rng: random.Random) -> tuple[str, str]:
    fam = rng.choices(list(VIETNAMESE_FAMILY), weights=list(VIETNAMESE_FAMILY.values()))[0]
    given_pool = VIETNAMESE_GIVEN.split()
    given = rng.choice(given_pool)
    parts = [given]
    r = rng.random()
    if r < 0.55:
        mid = rng.choices(list(VIETNAMESE_MIDDLE), weights=list(VIETNAMESE_MIDDLE.values()))[0]
        parts = [mid, given]
    elif r < 0.75:
        parts = [rng.choice(given_pool), given]
    return " ".join(p.capitalize() for p in parts), fam.capitalize()


def generate(
    first: dict[tuple[str, str], tuple[list[str], np.ndarray]],
    last: dict[tuple[str, str], tuple[list[str], np.ndarray]],
    invs: dict[str, set[str]],
    per_group: int,
    rng: random.Random,
) -> list[tuple[str, str, str]]:
    """Labelled full names, ``per_group`` per group, as in author lists: (name, group, family)."""
    nprng = np.random.default_rng(rng.randrange(2**32))
    rows: list[tuple[str, str, str]] = []

    def draws(
        table: dict[tuple[str, str], tuple[list[str], np.ndarray]], key: tuple[str, str]
    ) -> Iterator[str]:
        names, w = table[key]
        while True:  # pre-draw in bulk: one weighted choice per call is far too slow
            for i in nprng.choice(len(names), size=4096, p=w):
                yield names[int(i)]

    pools: dict[tuple[str, str, str], Any] = {}
    # Its own generator, so the other groups' names stay as they were without it.
    census_rng = random.Random(SEED + 1)
    census = {g: (c, census_family_names(f), share) for g, (c, f, share) in CENSUS_FAMILY.items()}
    for group in GROUPS:
        countries = [
            c for c in COUNTRIES.get(group, {}) if (group, c) in first and (group, c) in last
        ]
        weights = [COUNTRIES[group][c] for c in countries]
        for _ in range(per_group):
            if group == "vietnamese":
                given, family = _vietnamese_name(rng)
            else:
                country = rng.choices(countries, weights=weights)[0]
                for kind, table in (("f", first), ("l", last)):
                    if (group, country, kind) not in pools:
                        pools[(group, country, kind)] = draws(table, (group, country))
                given = next(pools[(group, country, "f")])
                family = next(pools[(group, country, "l")])
                if group in census and country == census[group][0]:
                    _, national, share = census[group]
                    if census_rng.random() < share:
                        family = census_rng.choices(list(national), list(national.values()))[0]
                if group == "chinese":
                    syl = invs["pinyin"] | invs["wade_giles_cantonese"]
                    if rng.random() < 0.3:
                        given = _hyphenate(given, syl, rng)
                elif group == "korean" and rng.random() < 0.45:
                    given = _hyphenate(given, invs["korean"], rng)
            r = rng.random()
            if r < 0.07:
                given = given[0].upper() + "."
            elif r < 0.10:
                given = (
                    given[0].upper()
                    + "."
                    + (" " + rng.choice("ABCDEFGHJKLMNPRSTW") + "." if rng.random() < 0.5 else "")
                )
            elif group not in EAST_ASIAN and r < 0.20:
                given = (
                    f"{given} {rng.choice('ABCDEFGHJKLMNPRSTW')}{'.' if rng.random() < 0.5 else ''}"
                )
            order = rng.random()
            if group in EAST_ASIAN and order < 0.25:
                full = f"{family} {given}"
            elif order < 0.04:
                full = f"{family}, {given}"
            else:
                full = f"{given} {family}"
            if rng.random() < 0.15:
                full = full.upper() if rng.random() < 0.2 else full.lower()
            rows.append((full, group, family))
    rng.shuffle(rows)
    return rows


# ----------------------------------------------------------------------------- training


def featurise(names: list[str], invs: dict[str, frozenset[str]], shape: bool = True) -> Any:
    """Sparse count matrix (rows: names, columns: hash buckets); ``shape``: the shape features."""
    from scipy import sparse  # type: ignore[import-untyped]

    cache: dict[str, list[int]] = {}
    indptr = [0]
    indices: list[int] = []
    for name in names:
        keys, initials = token_keys(name)
        for key in keys:
            b = cache.get(key)
            if b is None:
                b = [bucket(f) for f in token_features(key, invs)]
                cache[key] = b
            indices.extend(b)
        if shape:
            indices.extend(bucket(f) for f in shape_features(len(keys), initials))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (data, np.array(indices), np.array(indptr)), shape=(len(names), N_BUCKETS)
    )
    matrix.sum_duplicates()
    return matrix


def fit_family(
    train: list[tuple[str, str, str]],
    calib: list[tuple[str, str, str]],
    invs: dict[str, frozenset[str]],
    g_index: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, float]:
    """The family-name table: naive Bayes over the training names' family names alone.

    Returns its weights, bias and temperature (fitted on the calibration names' family
    names). It reads a name whose only full token is its family name (``X. Sun``).
    """
    x = featurise([r[2] for r in train], invs, shape=False)
    y = np.array([g_index[r[1]] for r in train])
    w, b = _fit("nb", x, y, 0)
    weights = w.astype(np.float16)
    x_cal = featurise([r[2] for r in calib], invs, shape=False)
    y_cal = np.array([g_index[r[1]] for r in calib])
    keep = np.asarray(x_cal.sum(axis=1)).ravel() > 0
    logits = x_cal[keep] @ weights.astype(np.float32) + b
    return weights, np.asarray(b, dtype=np.float32), _fit_temperature(logits, y_cal[keep])


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best_t, best_nll = 1.0, math.inf
    for t in np.exp(np.linspace(np.log(0.2), np.log(50.0), 300)):
        p = _softmax(logits / t)
        nll = float(-np.log(p[np.arange(len(y)), y] + 1e-12).mean())
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def make_names(work: Path) -> Path:
    """Stage 1: generate the labelled names from names-dataset (slow: ~2 GB, ~1 min)."""
    import names_dataset  # type: ignore[import-not-found]

    out = work / "names.csv.gz"
    if out.exists():
        return out
    rng = random.Random(SEED)
    base = Path(names_dataset.__file__).parent / "v3"
    print("loading names-dataset tables ...", file=sys.stderr)
    with gzip.open(base / "first_names.pkl.gz") as fh:
        first_table = pickle.load(fh)
    with gzip.open(base / "last_names.pkl.gz") as fh:
        last_table = pickle.load(fh)
    first = _country_lists(first_table)
    last = _country_lists(last_table)
    del first_table, last_table
    invs = inventories()
    rows = generate(first, last, invs, PER_GROUP, rng)
    # Split by distinct full name so a held-out name never appears in training.
    by_name: dict[str, tuple[str, str]] = {}
    for name, group, family in rows:
        by_name.setdefault(name, (group, family))
    distinct = list(by_name.items())
    rng.shuffle(distinct)
    n = len(distinct)
    work.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "group", "family", "split"])
        for i, (name, (group, family)) in enumerate(distinct):
            split = "train" if i < 0.8 * n else "calibration" if i < 0.9 * n else "heldout"
            writer.writerow([name, group, family, split])
    return out


def _read_names(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    splits: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            splits[row["split"]].append((row["name"], row["group"], row["family"]))
    return splits


def _fit(learner: str, x: Any, y: np.ndarray, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights (buckets x groups) and bias of a linear model over the hashed features."""
    if learner == "nb":
        from sklearn.naive_bayes import MultinomialNB

        nb = MultinomialNB(alpha=0.1, fit_prior=False).fit(x, y)
        w = nb.feature_log_prob_.T
        return w - w.mean(axis=1, keepdims=True), nb.class_log_prior_
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=4.0, max_iter=max_iter, tol=1e-4, verbose=0)
    lr.fit(x, y)
    return lr.coef_.T, lr.intercept_


def _macro_f1(pred: np.ndarray, y: np.ndarray) -> float:
    f1s = []
    for g in range(len(GROUPS)):
        tp = float(((pred == g) & (y == g)).sum())
        p = tp / max(1, int((pred == g).sum()))
        r = tp / max(1, int((y == g).sum()))
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(f1s))


def main(argv: list[str] | None = None) -> int:
    """Build ``data/origin_model.npz`` and ``data/heldout_names.csv.gz``."""
    import argparse

    parser = argparse.ArgumentParser(description="Build the name-origin tables.")
    parser.add_argument("--work", type=Path, default=Path("build/origin"))
    parser.add_argument("--learner", choices=["nb", "lr"], default="lr")
    parser.add_argument("--max-iter", type=int, default=150)
    parser.add_argument("--train-limit", type=int, default=0, help="0: every training name")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where the tables go")
    parser.add_argument(
        "--abstain-single-below",
        type=float,
        default=ABSTAIN_SINGLE_BELOW,
        help="abstention cut for names with one usable token",
    )
    args = parser.parse_args(argv)
    t0 = time.time()
    splits = _read_names(make_names(args.work))
    invs = inventories()
    finvs = {k: frozenset(v) for k, v in invs.items()}
    g_index = {g: i for i, g in enumerate(GROUPS)}
    train = splits["train"]
    if args.train_limit:
        train = train[: args.train_limit]
    calib = splits["calibration"]
    held_rows: list[tuple[str, str]] = []
    per_group_count: dict[str, int] = defaultdict(int)
    for name, group, _ in splits["heldout"]:
        if per_group_count[group] < HELDOUT_PER_GROUP:
            held_rows.append((name, group))
            per_group_count[group] += 1

    x_train = featurise([r[0] for r in train], finvs)
    y_train = np.array([g_index[r[1]] for r in train])
    prior = np.bincount(y_train, minlength=len(GROUPS)) / len(y_train)
    print(f"training {args.learner} on {x_train.shape[0]:,} names ...", file=sys.stderr)
    w, b = _fit(args.learner, x_train, y_train, args.max_iter)
    weights = w.astype(np.float16)
    bias = np.asarray(b, dtype=np.float32)

    x_cal = featurise([r[0] for r in calib], finvs)
    y_cal = np.array([g_index[r[1]] for r in calib])
    logits_cal = x_cal @ weights.astype(np.float32) + bias
    temperature = _fit_temperature(logits_cal, y_cal)
    p_cal = _softmax(logits_cal / temperature)
    # Abstain below the confidence at which calibration accuracy falls under 50 %.
    conf = p_cal.max(axis=1)
    correct = p_cal.argmax(axis=1) == y_cal
    threshold = 0.0
    for t in np.linspace(0.1, 0.6, 51):
        band = (conf >= t - 0.05) & (conf < t + 0.05)
        if band.sum() >= 50 and correct[band].mean() >= 0.5:
            threshold = float(t - 0.05)
            break
    fam_weights, fam_bias, fam_temperature = fit_family(train, calib, finvs, g_index)
    meta = {
        "built": time.strftime("%Y-%m-%d"),
        "seed": SEED,
        "learner": args.learner,
        "sources": {
            "names-dataset": "3.3.1 (Apache-2.0), first/last name tables by country",
            "pypinyin": "0.55.0 (MIT), pinyin syllable inventory",
            "hand-written": "Wade-Giles/Cantonese, Korean, Japanese and Vietnamese inventories",
            "family-names": "Korean (Statistics Korea 2015) and Chinese (2019/2020 register) "
            "family-name figures, devtools/data",
        },
        "train_names": len(train),
        "calibration_names": len(calib),
        "heldout_names": len(held_rows),
        "calibration_accuracy": float(correct.mean()),
        "calibration_macro_f1": _macro_f1(p_cal.argmax(axis=1), y_cal),
        "n_buckets": N_BUCKETS,
    }
    out_dir: Path = args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out_dir / "origin_model.npz",
        weights=weights,
        bias=bias,
        temperature=np.float32(temperature),
        abstain_below=np.float32(threshold),
        abstain_single_below=np.float32(max(threshold, args.abstain_single_below)),
        groups=np.array(GROUPS),
        train_prior=prior.astype(np.float32),
        inventory_names=np.array(list(INVENTORIES)),
        inventories=np.array([" ".join(sorted(invs[k])) for k in INVENTORIES]),
        meta=np.array(json.dumps(meta)),
        family_weights=fam_weights,
        family_bias=fam_bias,
        family_temperature=np.float32(fam_temperature),
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["name", "group"])
    writer.writerows(held_rows)
    with gzip.GzipFile(out_dir / "heldout_names.csv.gz", "wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    print(f"done in {time.time() - t0:.0f}s: {json.dumps(meta)}", file=sys.stderr)
    print(
        f"T={temperature:.3f}, family T={fam_temperature:.3f}, abstain below {threshold:.2f}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
