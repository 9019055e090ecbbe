"""Train the crisis detector's learned second stage (reattune/data/crisis_model.json).

Run from the repository root (numpy is needed here, never at run time):

    .venv/bin/python scripts/train_crisis_model.py            # cross-validate, train, write
    .venv/bin/python scripts/train_crisis_model.py --cv-only  # figures only, nothing written

Reads ONLY tests/data/crisis/dev/*.yaml (the holdout is never opened here). Deterministic: the
same corpus and git history give the same file byte for byte (fixed seed, full-batch training,
no threads).

1. Cases are grouped so that near-duplicates ("I want to kill myself." / "I WANT TO KILL
   MYSELF") stay together: within a language, two cases whose folded character-trigram sets
   overlap by a Jaccard index of at least GROUP_JACCARD join one group.
2. Folds hold out whole batches: the commit that last wrote a case's line (git blame; the
   uncommitted lines are one batch more) is the batch it was written in, and the sentences of
   one sitting paraphrase each other, so a random split would score a fold's sentences with a
   model trained on their near-twins and overstate how the model does on new text. The largest
   batch goes first, each to the smallest fold; a group of near-duplicates then follows its
   first case's fold. Without git the groups go to FOLDS folds (seeded shuffle, then the
   smallest fold takes the next group).
3. For each setting of the grid, each fold's model is trained on the other folds (vocabulary,
   weights and quantisation from those folds alone) and scores its own cases exactly as the
   shipped model will (pure-Python inference, sentence by sentence, quantised weights): the
   out-of-fold scores.
4. The threshold of a setting is the lowest score at which the model alone raises at most
   MAX_FALSE_ALARM of all everyday (label none) sentences and at most
   MAX_FALSE_ALARM_PER_LANGUAGE of any one language's, out of fold; the
   setting with the best mean out-of-fold recall of the model alone at its threshold wins.
   With ``kind_thresholds`` each kind but the first also gets an offset (added to its bias in
   the file, so the detector and the browser need nothing new), chosen the same way.
   Weights are quantised to integers of -127..127 and the smallest (|q| <= PRUNE) dropped.
5. The model is trained on all of dev with that setting and written with that threshold, the
   out-of-fold figures (model alone, rules alone, rules then model) and what it was made from.
   bench/results/crisis_model_cv.json gets the per-case out-of-fold decisions for
   bench/crisis_eval.py.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.crisis_eval import load_part  # noqa: E402
from reattune.domain.safety import crisis, crisis_model  # noqa: E402

OUT = crisis_model.MODEL_FILE
CV_OUT = ROOT / "bench" / "results" / "crisis_model_cv.json"
DEV = ROOT / "tests" / "data" / "crisis" / "dev"
SEED = 13
FOLDS = 5
GROUP_JACCARD = 0.5
MAX_FALSE_ALARM = 0.015
CHAR_MIN, CHAR_MAX = 3, 5
STEPS = 120
PRUNE = 2  # quantised weights of at most this size are dropped
LEARNING_RATE = 0.1
MAX_FALSE_ALARM_PER_LANGUAGE = 0.02
# the per-kind offsets tried (kind_offsets)
OFFSET_GRID = [x / 10 for x in range(-10, 11)]
# the grid: L2 strength, weight of label-none cases, minimum number of cases per feature, and
# the options of train() (negation, concepts, balance, lang_balance, families, kind_thresholds).
# Mean out-of-fold recall of the model alone at 1.5% false alarms, on 2026-12-07 (one run each,
# the dev part of that morning, folds of near-duplicate groups):
#   words and n-grams only 0.221; + negation 0.224; + none_weight 2 0.229;
#   + negation, balance, lang_balance 0.257; + negation, concepts, none_weight 2 0.296;
#   + negation, concepts, balance, lang_balance 0.287 (none_weight 1)
# The same afternoon, folds holding out whole batches (7,690 cases; explicit / indirect recall
# of the model alone, at most 1.5% of everyday sentences overall):
#   the morning's model (L2 1e-5, at most 3% per language) 0.382 / 0.344; + 7 concepts (NOBODY,
#   NOTICE, TIRED, PLAN, ENOUGH, BLOOD, FORGIVE) and more inflections 0.385 / 0.350; then at
#   most 2% per language and kind_thresholds 0.412 / 0.325; no word pairs, 3- to 4-grams,
#   min_df 3: 0.338 / 0.306; L2 1e-4: 0.263 / 0.274; none_weight 1 and 2- to 5-grams
#   0.394 / 0.328; L2 1e-6: 0.464 / 0.396; L2 1e-7: 0.454 / 0.403; L2 1e-6 and 300 steps
#   0.445 / 0.382; 160 steps 0.464 / 0.401; 120 steps 0.478 / 0.411 (kept); 80 steps
#   0.469 / 0.408; min_df 3 (200 steps) 0.445 / 0.393; at 120 steps: none_weight 3
#   0.486 / 0.420 (kept), 4 0.482 / 0.418, no lang_balance (none_weight 2) 0.465 / 0.402
GRID = [
    {
        "l2": 1e-6,
        "none_weight": 3.0,
        "min_df": 2,
        "negation": True,
        "concepts": True,
        "balance": True,
        "lang_balance": True,
        "kind_thresholds": True,
    },
]
# the negation feature (crisis_model.Negation): the lexicons' own words, and these few the
# lexicons do not list because the rules never needed them as cues
NEGATION_WINDOW = 4
EXTRA_CUES = ("nichts", "nix", "niente", "nulla", "rien", "personne", "nadie", "niemand")
# clause breaks of one language that are another's common word: never a break for the model
NOT_BREAKS = ("se", "want", "of", "car", "u")
# the concept features (crisis_model.Concepts): a prefix entry must have at least MIN_PREFIX
# code points; two concepts at most PAIR_GAP tokens apart also count as a pair
MIN_PREFIX = 3
PAIR_GAP = 4
# the concept table of the crisis model: data written here by hand, for the six languages
# (folded: lower case, no accents, no apostrophes); an entry ending in * is the beginning of a word
CONCEPTS = {
    "DIE": (
        "dying died dead death sterben sterbe stirb stirbt tot tod tode todes mourir "
        "meurs meurt mort morte morts mourrai morir morirme morirse muero muera muerto "
        "muerta muerte morire muoio muoia morto morta sterven sterf sterft dood "
        "doodgaan"
        " crever creve crevee crevait mourrais mourrait mourrir morirei moriria morrei moriro"
        " gestorben stierf starb sterbt overlijden overleden"
    ).split(),
    "KILL": (
        "kill* murder* umbring* umgebracht toten totet totete ermord* tuer tue tues "
        "tuera tuerai tuerais tuerait tuee matar* mato mata matas uccid* ammazz* "
        "vermoord* doodmaken assassin* buttarmi tirarme"
        " doodmaak* kaltmach* abmurks* killen matarte matarla matarlo"
    ).split(),
    "SUICIDE": "suicid* suizid* selbstmord* zelfmoord* kms unaliv* sucid*".split(),
    "SELF": (
        "myself mich mir selbst moi moimeme mezelf mijzelf zelf yo mismo misma io stessa stesso"
    ).split(),
    "HURT": (
        "hurt* harm* wehtun wehzutun antun antue antut angetan aandoen aandoe aangedaan "
        "pijn dano danar* danno blesser* blesse lastimar* lastime ferir* ferirl* "
        "malmenar*"
    ).split(),
    "HIT": (
        "hit hits hitting beat beating beats punch* slap* schlag* schlug* gepruegelt "
        "prugel* frappe* frapper* cogne* pegar* pego pega pegue golpe* picchi* sla "
        "slaan sloeg slaat geslagen mepp* schudden sacudir* scuoter* secouer secoue "
        "shake shaking schutteln schuttel*"
        " colpit* colpisc* colpiv* gifl* bofetad* schiaff* klap klappen mishandel* misshandel*"
        " maltrat* maltratt*"
    ).split(),
    "CHOKE": (
        "strangl* chok* throttl* wurg* erwurg* drossel* etrangl* estrangul* ahog* "
        "strangol* soffoc* smother* suffocat* erstick* etouff* asfixi* zugedruckt "
        "dichtgeknepen kneep apreto serre serrait stringeva stretto squeez*"
        " gewurg*"
    ).split(),
    "NECK": (
        "neck necks throat hals kehle gurgel cou gorge cuello garganta collo gola nek keel strot"
    ).split(),
    "LIVE": (
        "live living alive life leben lebe lebendig vivre vie vivant vivir vivo viva "
        "vida vivere vita leven leef"
    ).split(),
    "WAKE": "wake* woke waking aufwach* aufzuwachen reveill* despert* svegli* wakker".split(),
    "NOMORE": "anymore mehr plus mas piu meer longer".split(),
    "END": (
        "end ending ende beenden finir fin acabar* terminar* finire finita farla einde "
        "eindig* over vorbei fini finito voorbij"
    ).split(),
    "PILLS": (
        "pill* tablet* meds medic* medikament* medicament* pastill* pastigl* cachet* "
        "comprim* paracetamol ibuprofen schlaftabl* slaappil* somnif* sonnif* overdos* "
        "uberdos* sobredos* dosis dose pillen medicijn* farmac* antidepress*"
    ).split(),
    "HEIGHT": (
        "bridge* brucke* brug pont ponts puente* ponte roof* dach toit tejado azotea "
        "tetto dak balcon* balkon* jump* sprong sauter saute saut saltar* salto buttar* "
        "lanciar* ledge cliff* klippe falaise acantilado scogliera klif edge rand bord "
        "borde bordo zug tren treno trein gleis rails train trains springen springe "
        "sprang vias binari spoor height* hohe hauteur altura altezza hoogte floor "
        "etage piso verdieping"
    ).split(),
    "WEAPON": (
        "knife knives messer couteau* cuchillo* coltell* gun* pistol* waffe* arme armes "
        "arma armas fusil* gewehr* wapen* rope strick corde cuerda corda touw noose "
        "schlinge blade* klinge lame cuchilla lametta mesje* razor* rasier* rasoir "
        "cuchill*"
    ).split(),
    "FAREWELL": (
        "goodbye* farewell* abschied* adieu* despedid* despedirme addio afscheid* "
        "letter* brief briefe lettre* carta cartas lettera lettere note notes "
        "testament* testamento"
    ).split(),
    "GIVE": (
        "give gave given giving verschenk* geschenkt weggeben donne donner donnee "
        "regal* doy dado geef gegeven weggeven belongings sachen affaires cosas cose "
        "spullen"
    ).split(),
    "FEAR": (
        "afraid scared terrified frightened fear* scares angst furcht* peur miedo "
        "panico paura terror* bang schrik spavent* assust* effray* dread* pani* "
        "terroris* terrifi* aterr*"
    ).split(),
    "HOME": (
        "home house hause haus zuhause heim maison chez casa thuis huis rentrer rentre "
        "volver vuelvo tornare torno heimgehen"
    ).split(),
    "THREAT": "threat* droh* bedroh* menac* amenaz* minacc* dreig*".split(),
    "LEAVE": (
        "leave leaving verlass* quitte* quitter partir pars dejo dejas dejar* deja "
        "lascio lasci lasciar* verlaat verlaten weggaan wegga separ* trennen trenne "
        "scheiden"
    ).split(),
    "CHILD": (
        "kid kids child* baby babies kinder kind kindern enfant* bebe nino nina ninos "
        "hijo* hija* bambin* figli* piccol* kleine petite petit kinderen kleintje "
        "daughter sohn tochter fils fille figlio figlia zoon dochter"
    ).split(),
    "PET": (
        "dog cat pet pets hund katze chien chat perro gato cane gatto hond kat puppy welpe"
    ).split(),
    "CUT": (
        "cut cuts cutting ritz* geritzt schneid* schnitt* couper coupe coupee coupures "
        "coupure scarif* cortar* corto corte cortes cortado cortada tagli* snij* sneed "
        "gesneden sneden pulsader* aufgeschnitten aufschneid* wrist* handgelenk* "
        "poignet* muneca* polso polsi pols polsen veines venas vene aderen"
    ).split(),
    "BURN": "burn* verbrenn* verbrann* brul* quem* bruci* verbrand* brand brandwond*".split(),
    "MARK": (
        "marks scars scar narben narbe cicatri* marques marcas segni littekens sleeves "
        "armel manches mangas maniche mouwen bruise* blauen bleus moretones lividi "
        "blauwe"
    ).split(),
    "HOPELESS": (
        "point* sinn sinnlos* sens sentido senso zin zinloos hopeless* hoffnung* "
        "espoir* esperanza* speranza* hoop ausweg* salida uscita uitweg burden* fardeau "
        "carga peso pesante useless nutzlos inutile inutil nutteloos nothing nichts "
        "rien nada niente niets future zukunft avenir futuro toekomst"
    ).split(),
    "WITHOUT": "without ohne sans sin senza zonder".split(),
    "BETTER": (
        "better besser mieux mejor meglio beter easier einfacher simple facil facile makkelijker"
    ).split(),
    "SLEEP": (
        "sleep* schlaf* einschlaf* dormir dors endorm* duerm* dormire dormi addorment* "
        "slaap* slapen"
    ).split(),
    "FOREVER": (
        "forever ewig toujours siempre sempre altijd never nie jamais nunca mai nooit "
        "again wieder nuevo nuovo opnieuw"
    ).split(),
    "GONE": (
        "gone disappear* verschwind* verschwund* dispara* desaparec* spari* sparire "
        "verdwijn* verdwenen vanish* weg"
    ).split(),
    "SAFE": "safe safety sicher sicherheit securite seguro segura sicuro sicura veilig".split(),
    "CONTROL": (
        "control* kontroll* controle* controlar* controll* temper wut wutend colere "
        "rabia rabbia woede boos kwaad rage furious snap explode*"
    ).split(),
    "NOBODY": "nobody noone niemand personne nadie nessuno".split(),
    "NOTICE": (
        "notice* merken merkt bemerk* remarquer* remarquera* notar* notaria notarian accorg* "
        "opmerk* missen vermiss* manquer* echaria extranaria"
    ).split(),
    "TIRED": (
        "tired exhausted exhausting mude erschopft epuise* cansad* agotad* stanc* esaust* uitgeput"
    ).split(),
    "PLAN": (
        "plan plans planned planning geplant planen prevu prepare* prepar* vorbereit* "
        "voorbereid* organis* organiz* progett*"
    ).split(),
    "ENOUGH": "enough genug assez basta suficiente abbastanza genoeg".split(),
    "BLOOD": (
        "blood bleed* bleeding blut bluten blutet sang saign* sangre sangr* sangue sanguin* "
        "bloed bloeden bloedt"
    ).split(),
    "FORGIVE": (
        "forgive* sorry verzeih* vergib vergebt pardonne* perdon perdona* perdonate perdonami "
        "scusa* scusate vergeef* vergeven"
    ).split(),
}
LABELS = crisis_model.LABELS


def corpus() -> list[dict]:
    rows = []
    for lang, cases in sorted(load_part("dev").items()):
        for case in cases:
            rows.append(
                {
                    "lang": lang,
                    "text": case["text"],
                    "label": case["label"],
                    "explicit": bool(case.get("explicit")),
                    "topic": case.get("topic", ""),
                }
            )
    return rows


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def negation_words(fold: dict[int, str]) -> crisis_model.Negation:
    """Every lexicon's negation cues, not-before words and clause breaks (subordinators too),
    folded as the model folds; a word that folds to more than one token is left out."""
    plain = blank_model(fold)
    cues: set[str] = set()
    not_before: set[str] = set()
    breaks: set[str] = set()
    for lang in crisis.available_languages():
        lex = crisis.load_lexicon(lang)
        for words, into in (
            (lex.negation_cues, cues),
            (lex.not_before, not_before),
            (set(_break_words(lang)) | lex.subordinators, breaks),
        ):
            for word in words:
                tokens = plain.tokens(word)
                if len(tokens) == 1:
                    into.add(tokens[0])
    cues |= set(EXTRA_CUES)
    breaks -= cues | set(NOT_BREAKS)
    return crisis_model.Negation(
        frozenset(cues), frozenset(not_before), frozenset(breaks), NEGATION_WINDOW
    )


def _break_words(lang: str) -> list[str]:
    path = crisis.LEXICON_ROOT / lang / "crisis.yaml"
    data = crisis._read(path)
    assert isinstance(data, dict)
    return [str(w) for w in data["negation"].get("clause_breaks") or []]


def concept_table() -> dict:
    return {"names": CONCEPTS, "min_prefix": MIN_PREFIX, "pair_gap": PAIR_GAP}


def blank_model(
    fold: dict[int, str],
    negation: crisis_model.Negation | None = None,
    concepts: crisis_model.Concepts | None = None,
) -> crisis_model.Model:
    return crisis_model.Model(
        LABELS,
        CHAR_MIN,
        CHAR_MAX,
        crisis_model.FOLD_LIMIT,
        fold,
        1.0,
        (0.0,) * len(LABELS),
        0.0,
        {},
        negation,
        concepts,
    )


# --------------------------------------------------------------------------- grouping


def groups_of(rows: list[dict], model: crisis_model.Model) -> list[int]:
    grams = []
    for row in rows:
        joined = " " + " ".join(model.tokens(row["text"])) + " "
        grams.append({joined[i : i + 3] for i in range(len(joined) - 2)})
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_lang: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_lang.setdefault(row["lang"], []).append(i)
    for idx in by_lang.values():
        for a_pos, a in enumerate(idx):
            ga = grams[a]
            for b in idx[a_pos + 1 :]:
                gb = grams[b]
                inter = len(ga & gb)
                if inter and inter >= GROUP_JACCARD * (len(ga) + len(gb) - inter):
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    return [find(i) for i in range(len(rows))]


def batches_of(rows: list[dict]) -> list[str] | None:
    """The commit that last wrote each dev case's line (``git blame``): the batch it was written
    in, sentences of one sitting that paraphrase each other. None when git cannot tell (no
    repository, or a case whose line it does not find)."""
    import shutil
    import subprocess

    import yaml

    git = shutil.which("git")
    if git is None:
        return None
    written: dict[tuple[str, str], str] = {}
    for path in sorted(DEV.glob("*.yaml")):
        try:
            blame = subprocess.run(  # noqa: S603 (git on the corpus's own paths)
                [git, "blame", "--line-porcelain", "--", str(path.relative_to(ROOT))],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        # libyaml's loader when PyYAML has it: the same data as yaml.safe_load, five times
        # faster over some 8,000 lines
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506  # nosec B506 - a SafeLoader
        lang = str((document or {}).get("language"))
        commit = ""
        for line in blame.splitlines():
            head = line.split(" ")
            if len(head) >= 3 and len(head[0]) == 40 and head[1].isdigit():
                commit = head[0]
            elif line.startswith("\t  - {"):
                case = yaml.load(line[1:].strip()[2:], Loader=loader)  # noqa: S506  # nosec B506
                written[(lang, case["text"])] = commit
    out = [written.get((r["lang"], r["text"])) for r in rows]
    return None if None in out else [x or "" for x in out]


def batch_folds(rows: list[dict], groups: list[int]) -> tuple[list[int], str]:
    """Folds that hold out whole batches (the largest batch first into the smallest fold), each
    group of near-duplicates then following its first case; the near-duplicate groups' folds
    (folds_of) when git cannot tell the batches."""
    batches = batches_of(rows)
    if batches is None:
        return folds_of(groups), "near-duplicate groups"
    size: dict[str, int] = {}
    for b in batches:
        size[b] = size.get(b, 0) + 1
    sizes = [0] * FOLDS
    fold_of: dict[str, int] = {}
    for b in sorted(size, key=lambda b: (-size[b], b)):
        f = min(range(FOLDS), key=lambda k: (sizes[k], k))
        fold_of[b] = f
        sizes[f] += size[b]
    first: dict[int, int] = {}
    for i, g in enumerate(groups):
        first.setdefault(g, fold_of[batches[i]])
    return [first[g] for g in groups], f"{len(size)} batches (git blame) and near-duplicates"


def folds_of(groups: list[int]) -> list[int]:
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    order = sorted(members)
    random.Random(SEED).shuffle(order)
    sizes = [0] * FOLDS
    fold = [0] * len(groups)
    for g in order:
        f = min(range(FOLDS), key=lambda k: (sizes[k], k))
        for i in members[g]:
            fold[i] = f
        sizes[f] += len(members[g])
    return fold


# --------------------------------------------------------------------------- training


def train(
    feats: list[dict[str, int]],
    labels: list[str],
    setting: dict,
    fold: dict[int, str],
    negation: crisis_model.Negation | None = None,
    langs: list[str] | None = None,
    concepts: crisis_model.Concepts | None = None,
) -> crisis_model.Model:
    """One quantised model from these cases (numpy, full batch, deterministic).

    Setting keys: ``l2``, ``none_weight`` (weight of an everyday case against a crisis one),
    ``min_df``, ``negation`` (the negated-word features), ``balance`` (each crisis kind's
    positive cases weigh the square root of (largest kind's count / its count): the rare kinds,
    harm to others and self-harm, are not drowned out) and ``lang_balance`` (each language's
    cases together weigh the same, so English's larger share does not decide the weights);
    ``families`` (the first letters of the feature kinds the model may weigh, all of ``cwbnk``
    by default) and ``kind_thresholds`` (see kind_offsets) are tried in the grid too."""
    df: dict[str, int] = {}
    for counts in feats:
        for key in counts:
            df[key] = df.get(key, 0) + 1
    families = setting.get("families", "cwbnk")
    vocab = sorted(k for k, v in df.items() if v >= setting["min_df"] and k[0] in families)
    index = {k: i for i, k in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for r, counts in enumerate(feats):
        norm = np.sqrt(float(sum(c * c for c in counts.values())))
        for key, count in counts.items():
            j = index.get(key)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(count / norm)
    rows_a = np.array(rows, dtype=np.int64)
    cols_a = np.array(cols, dtype=np.int64)
    vals_a = np.array(vals, dtype=np.float32)
    n, d, k = len(feats), len(vocab), len(LABELS)
    # row starts (entries are in row order) and the column order, for reduceat both ways
    row_start = np.searchsorted(rows_a, np.arange(n))
    has_row = np.bincount(rows_a, minlength=n) > 0
    by_col = np.argsort(cols_a, kind="stable")
    col_start = np.searchsorted(cols_a[by_col], np.arange(d))  # every column occurs (min_df)
    cols_sorted, rows_by_col, vals_by_col = cols_a[by_col], rows_a[by_col], vals_a[by_col]
    del cols_sorted
    y = np.array([[1.0 if lab == name else 0.0 for name in LABELS] for lab in labels], np.float32)
    weight = np.array([setting["none_weight"] if lab == "none" else 1.0 for lab in labels])
    if setting.get("lang_balance") and langs is not None:
        per_lang: dict[str, int] = {}
        for lang in langs:
            per_lang[lang] = per_lang.get(lang, 0) + 1
        weight = weight * np.array([len(langs) / per_lang[lang] for lang in langs])
    weight = (weight / weight.sum()).astype(np.float32)
    positive = np.ones((1, k), dtype=np.float32)
    if setting.get("balance"):
        per_kind = y.sum(axis=0)
        positive = np.sqrt(per_kind.max() / np.maximum(per_kind, 1.0)).astype(np.float32)[None, :]
    # an error on a positive case of kind j weighs positive[j] (1 without balance)
    sample = weight[:, None] * (1.0 + (positive - 1.0) * y)
    w = np.zeros((d, k), dtype=np.float32)
    b = np.zeros(k, dtype=np.float32)
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        z = np.add.reduceat(vals_a[:, None] * w[cols_a], row_start, axis=0)
        z[~has_row] = 0.0
        z += b
        p = 1.0 / (1.0 + np.exp(-z))
        err = (p - y) * sample
        g_w = np.add.reduceat(vals_by_col[:, None] * err[rows_by_col], col_start, axis=0)
        g_w += np.float32(setting["l2"]) * w
        g_b = err.sum(axis=0)
        for param, grad, m, v in ((w, g_w, m_w, v_w), (b, g_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= (
                LEARNING_RATE * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + eps)
            )
    return quantise(
        vocab,
        w,
        b,
        fold,
        negation if setting.get("negation") else None,
        concepts if setting.get("concepts") else None,
    )


def quantise(
    vocab: list[str],
    w,
    b,
    fold: dict[int, str],
    negation: crisis_model.Negation | None = None,
    concepts: crisis_model.Concepts | None = None,
) -> crisis_model.Model:
    top = float(np.abs(w).max()) or 1.0
    scale = float(np.float32(top / 127))  # a short decimal that reads back the same
    q = np.rint(w / scale).astype(np.int64)
    q[np.abs(q) <= PRUNE] = 0  # tiny weights: a smaller file, same answers within noise
    weights = {vocab[i]: tuple(int(x) for x in q[i]) for i in range(len(vocab)) if q[i].any()}
    bias = tuple(round(float(x), 6) for x in b)
    return crisis_model.Model(
        LABELS,
        CHAR_MIN,
        CHAR_MAX,
        crisis_model.FOLD_LIMIT,
        fold,
        scale,
        bias,
        0.0,
        weights,
        negation,
        concepts,
    )


# --------------------------------------------------------------------------- scoring


def per_kind(model: crisis_model.Model, text: str) -> list[float]:
    """Each kind's highest score over the sentences of the text (as the detector scores)."""
    top = [float("-inf")] * len(LABELS)
    for _start, _end, piece in crisis.model_pieces(text):
        scores = model.scores(piece)
        if scores is not None:
            top = [max(a, b) for a, b in zip(top, scores, strict=True)]
    return top


def decide(kinds: list[list[float]], offsets: list[float]) -> tuple[list[float], list[str]]:
    """The best score and its label of each case once kind k's scores are moved by offsets[k]
    (what adding the offsets to the bias does; the first best wins a tie, as in the detector)."""
    scores, labels = [], []
    for row in kinds:
        moved = [s + o for s, o in zip(row, offsets, strict=True)]
        k = max(range(len(moved)), key=lambda j: (moved[j], -j))
        scores.append(moved[k])
        labels.append(LABELS[k] if moved[k] > float("-inf") else "none")
    return scores, labels


def fig_none(rows: list[dict], fired: list[bool]) -> float:
    """The share of everyday (label none) cases raised."""
    none = [f for r, f in zip(rows, fired, strict=True) if r["label"] == "none"]
    return sum(none) / len(none)


def mean_recall(fig: dict) -> float:
    langs = [k for k in fig if k != "all"]
    return sum((fig[x]["recall_explicit"] + fig[x]["recall_indirect"]) / 2 for x in langs) / len(
        langs
    )


def kind_offsets(rows: list[dict], kinds: list[list[float]]) -> tuple[list[float], float]:
    """Per-kind offsets (added to the bias: a threshold per kind) and the threshold, chosen on
    the out-of-fold scores: coordinate ascent over OFFSET_GRID for every kind but the first,
    each step keeping the false-alarm budget (threshold_for) and taking the best mean recall."""
    offsets = [0.0] * len(LABELS)

    def value(off: list[float]) -> tuple[float, float]:
        scores, labels = decide(kinds, off)
        t = threshold_for(rows, scores)
        fired = [s >= t for s in scores]
        return mean_recall(figures(rows, fired, [{lab} for lab in labels])), t

    current, t = value(offsets)
    for _round in range(2):
        for k in range(1, len(LABELS)):
            for o in OFFSET_GRID:
                trial = offsets[:k] + [o] + offsets[k + 1 :]
                got, t_got = value(trial)
                if got > current + 1e-9:
                    current, t, offsets = got, t_got, trial
    return offsets, t


def best(model: crisis_model.Model, text: str) -> tuple[float, str]:
    """The highest score of any sentence of the text, and its label (as the detector scores)."""
    top, label = float("-inf"), "none"
    for _start, _end, piece in crisis.model_pieces(text):
        scores = model.scores(piece)
        if scores is None:
            continue
        for k, s in enumerate(scores):
            if s > top:
                top, label = s, LABELS[k]
    return top, label


def threshold_for(rows: list[dict], scores: list[float]) -> float:
    """The lowest threshold at which the model alone raises at most MAX_FALSE_ALARM of all
    everyday (label none) cases and at most MAX_FALSE_ALARM_PER_LANGUAGE of each language's
    (a threshold fires when score >= threshold)."""

    def needed_for(none: list[float], rate: float) -> float:
        none = sorted(none, reverse=True)
        allowed = int(rate * len(none))  # this many may reach the threshold
        if allowed >= len(none):
            return float("-inf")
        return float(np.nextafter(none[allowed], np.inf))  # just above the next one

    none_all = [s for r, s in zip(rows, scores, strict=True) if r["label"] == "none"]
    needed = needed_for(none_all, MAX_FALSE_ALARM)
    for lang in sorted({r["lang"] for r in rows}):
        none = [
            s
            for r, s in zip(rows, scores, strict=True)
            if r["lang"] == lang and r["label"] == "none"
        ]
        needed = max(needed, needed_for(none, MAX_FALSE_ALARM_PER_LANGUAGE))
    return math.ceil(needed * 1e6 + 1) / 1e6  # a short decimal, still above that score


def figures(rows: list[dict], fired: list[bool], kinds: list[set[str]]) -> dict:
    out = {}
    for lang in sorted({r["lang"] for r in rows}) + ["all"]:
        sel = [i for i, r in enumerate(rows) if lang in ("all", r["lang"])]
        exp = [i for i in sel if rows[i]["label"] != "none" and rows[i]["explicit"]]
        ind = [i for i in sel if rows[i]["label"] != "none" and not rows[i]["explicit"]]
        none = [i for i in sel if rows[i]["label"] == "none"]
        caught = [i for i in exp + ind if fired[i]]
        out[lang] = {
            "recall_explicit": round(sum(fired[i] for i in exp) / len(exp), 4) if exp else None,
            "recall_indirect": round(sum(fired[i] for i in ind) / len(ind), 4) if ind else None,
            "false_alarm_rate": round(sum(fired[i] for i in none) / len(none), 4),
            "kind_accuracy": round(
                sum(rows[i]["label"] in kinds[i] for i in caught) / len(caught), 4
            )
            if caught
            else None,
        }
    return out


def cross_validate(rows, feats, folds, setting, fold_table, negation, concepts):
    kinds = [[0.0] * len(LABELS) for _ in rows]
    for f in range(FOLDS):
        train_idx = [i for i in range(len(rows)) if folds[i] != f]
        model = train(
            [feats[i] for i in train_idx],
            [rows[i]["label"] for i in train_idx],
            setting,
            fold_table,
            negation,
            [rows[i]["lang"] for i in train_idx],
            concepts,
        )
        for i in range(len(rows)):
            if folds[i] == f:
                kinds[i] = per_kind(model, rows[i]["text"])
    return kinds


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    fold_table = crisis_model.fold_table()
    base = blank_model(fold_table)
    negation = negation_words(fold_table)
    concepts = crisis_model.concepts_from(concept_table(), "scripts/train_crisis_model.py")
    rows = corpus()
    plain = [crisis.model_plain(r["text"]) for r in rows]
    feats_of: dict[tuple[bool, bool], list[dict[str, int]]] = {}

    def feats_for(setting: dict) -> list[dict[str, int]]:
        key = (bool(setting.get("negation")), bool(setting.get("concepts")))
        if key not in feats_of:
            shape = blank_model(
                fold_table, negation if key[0] else None, concepts if key[1] else None
            )
            feats_of[key] = [shape.features(text) for text in plain]
        return feats_of[key]

    print("features done", flush=True)
    groups = groups_of(rows, base)
    folds, held_out = batch_folds(rows, groups)
    print(f"{len(rows)} dev cases, {len(set(groups))} groups of near-duplicates, {FOLDS} folds")
    print(f"folds hold out whole {held_out}")
    print("folds done", flush=True)
    rules = [crisis.detect_crisis(r["text"], model=False) for r in rows]
    rules_fired = [bool(x) for x in rules]
    rules_kinds = [set(x.kinds) for x in rules]

    results = []
    for setting in GRID:
        feats = feats_for(setting)
        kinds = cross_validate(rows, feats, folds, setting, fold_table, negation, concepts)
        offsets = [0.0] * len(LABELS)
        if setting.get("kind_thresholds"):
            offsets, t = kind_offsets(rows, kinds)
        scores, labels = decide(kinds, offsets)
        t = threshold_for(rows, scores)
        fired = [s >= t for s in scores]
        mean = mean_recall(figures(rows, fired, [{lab} for lab in labels]))
        print(
            f"{setting} offsets {offsets} threshold {t:+.3f}: model alone, out of fold, "
            f"mean recall {mean:.3f}, false alarms {fig_none(rows, fired):.3f}"
        )
        results.append((mean, setting, t, scores, labels, offsets))
    mean, setting, t, scores, labels, offsets = max(
        results, key=lambda r: r[0]
    )  # first best wins ties

    model_fired = [s >= t for s in scores]
    combined = [rf or mf for rf, mf in zip(rules_fired, model_fired, strict=True)]
    combined_kinds = [
        rk if rf else ({lab} if mf else set())
        for rf, rk, mf, lab in zip(rules_fired, rules_kinds, model_fired, labels, strict=True)
    ]
    cv = {
        "setting": setting,
        "threshold": t,
        "model_alone": figures(rows, model_fired, [{lab} for lab in labels]),
        "rules_alone": figures(rows, rules_fired, rules_kinds),
        "rules_then_model": figures(rows, combined, combined_kinds),
    }
    for name in ("model_alone", "rules_alone", "rules_then_model"):
        print(f"\n{name.replace('_', ' ')} (dev; the model's decisions out of fold)")
        print(f"{'':>6}{'explicit':>10}{'indirect':>10}{'false al.':>10}{'kind acc':>10}")
        for lang, f in cv[name].items():
            print(
                f"{lang:>6}"
                + "".join(
                    f"{'-' if f[key] is None else format(f[key], '.3f'):>10}"
                    for key in (
                        "recall_explicit",
                        "recall_indirect",
                        "false_alarm_rate",
                        "kind_accuracy",
                    )
                )
            )
    if "--cv-only" in argv:
        return 0

    model = train(
        feats_for(setting),
        [r["label"] for r in rows],
        setting,
        fold_table,
        negation,
        [r["lang"] for r in rows],
        concepts,
    )
    names = sorted(model.weights)
    digest = hashlib.sha256()
    for r in rows:
        digest.update(f"{r['lang']}\t{r['label']}\t{r['text']}\n".encode())
    doc = {
        "format": crisis_model.FORMAT,
        "labels": list(LABELS),
        "char_min": CHAR_MIN,
        "char_max": CHAR_MAX,
        "limit": crisis_model.FOLD_LIMIT,
        "fold": {str(k): v for k, v in sorted(fold_table.items())},
        "scale": model.scale,
        "bias": [round(b + o, 6) for b, o in zip(model.bias, offsets, strict=True)],
        "threshold": t,
        **(
            {
                "negation": {
                    "cues": sorted(negation.cues),
                    "not_before": sorted(negation.not_before),
                    "breaks": sorted(negation.breaks),
                    "window": negation.window,
                }
            }
            if model.negation is not None
            else {}
        ),
        **({"concepts": concept_table()} if model.concepts is not None else {}),
        "features": names,
        "weights": [x for name in names for x in model.weights[name]],
        "trained": {
            "by": "scripts/train_crisis_model.py",
            "corpus": "tests/data/crisis/dev (holdout never read)",
            "corpus_sha256": digest.hexdigest(),
            "cases": len(rows),
            "seed": SEED,
            "folds": FOLDS,
            "max_false_alarm": MAX_FALSE_ALARM,
            "max_false_alarm_per_language": MAX_FALSE_ALARM_PER_LANGUAGE,
            "steps": STEPS,
            "learning_rate": LEARNING_RATE,
            "prune": PRUNE,
            "setting": setting,
            "kind_offsets": offsets,
            "cv_folds": held_out,
            "cv": {k: v["all"] for k, v in cv.items() if isinstance(v, dict) and "all" in v},
        },
    }
    OUT.write_text(
        json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    crisis_model.load_model.cache_clear()
    crisis_model.load_model()  # the written file must load
    CV_OUT.parent.mkdir(parents=True, exist_ok=True)
    CV_OUT.write_text(
        json.dumps(
            {
                "model_sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
                **cv,
                # the dev cases the out-of-fold model flagged, by text_key(text), with the label it
                # gave (for bench/crisis_eval.py); the others it left alone
                "fired": {
                    text_key(r["text"]): lab
                    for r, mf, lab in zip(rows, model_fired, labels, strict=True)
                    if mf
                },
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(
        f"\nwrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} kB, {len(names)} features) "
        f"and {CV_OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
