"""The labelled history of benchmarks/search_quality.py: turns, and queries that each name one turn.

Three kinds of query, each with the one turn it should find:
- exact: an identifier (error code, function name, ticket) that appears in that prompt only, among
  many prompts worded the same way with other identifiers (meaning alone cannot tell them apart);
- paraphrase: the prompt's question in other words (few or no words in common);
- answer: a fact that appears only in the turn's answer, never in its prompt.
"""

import random

from benchmarks import corpus

IDENTIFIER_TEMPLATES = [
    "The nightly build fails with error {code} after the cache upgrade, what does it mean?",
    "Why does {code} return None when the config file has nested sections?",
    "Customer ticket {code} says the invoice total is wrong, how should I reply?",
    "Installing update {code} on Windows hangs at 35 percent, any fix?",
]
WORDS = ["alpha", "billing", "cache", "delta", "edge", "feed", "grid", "hook", "input", "join", "kernel", "ledger"]


LOOK_ALIKES = 20  # identifiers worded the same way per queried one


def _mutate(text: str, rng: random.Random) -> str:
    """The identifier with one digit or letter changed, or two neighbouring digits swapped."""
    spots = [n for n, char in enumerate(text) if char.isalnum()]
    n = rng.choice(spots)
    if rng.random() < 0.5 and n + 1 < len(text) and text[n].isdigit() and text[n + 1].isdigit():
        return text[:n] + text[n + 1] + text[n] + text[n + 2 :]
    pool = "0123456789" if text[n].isdigit() else "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return text[:n] + rng.choice(pool) + text[n + 1 :]


def identifiers(template: int, rng: random.Random) -> list[str]:
    """An identifier and look-alikes that differ from it by a character or two."""
    if template == 1:
        word = rng.choice(WORDS)
        shapes = ["parse_{}_config", "parse_config_{}", "{}_parse_config", "parse_{}_configs", "parse_{}_conf"]
        shapes += ["load_{}_config", "parse_{}_cfg", "parse_{}2_config", "parse_{}_config2", "read_{}_config"]
        shapes += [shape.replace("config", "settings") for shape in shapes]
        return [shape.format(word) for shape in shapes][:LOOK_ALIKES]
    if template == 0:
        base = f"E{rng.randrange(1000, 9999)}-{rng.choice('KLMN')}{rng.choice('XYZ')}"
    else:
        base = f"INC-{rng.randrange(10**5, 10**6)}" if template == 2 else f"KB{rng.randrange(10**6, 10**7)}"
    codes = [base]
    while len(codes) < LOOK_ALIKES:
        code = _mutate(base, rng)
        if code not in codes:
            codes.append(code)
    return codes


PARAPHRASES = [
    ("How do I keep my sourdough starter alive while I am away on holiday?", "feeding a bread culture when travelling"),
    ("What is the best way to remove red wine stains from a carpet?", "getting merlot spills out of a rug"),
    ("How can I stop my dog from barking at the postman?", "puppy yaps at the mail carrier"),
    ("Tips for falling asleep faster at night", "insomnia remedies at bedtime"),
    ("How do I lower my monthly electricity bill?", "reduce household power costs"),
    ("What should I pack for a week of hiking in the Alps?", "mountain trekking kit checklist"),
    ("How do I ask my manager for a raise?", "negotiating a higher salary with the boss"),
    ("How do I get rid of aphids on my roses?", "insects eating garden flowers"),
    ("What causes a car battery to drain overnight?", "vehicle will not start in the morning, power lost"),
    ("How can I make my laptop boot faster?", "computer is slow to start up"),
    ("Ideas for a cheap birthday party for a six year old", "budget celebration for a small child"),
    ("How do I calm my nerves before a job interview?", "anxious ahead of a hiring meeting"),
    ("Which houseplants survive in a dark room?", "greenery that tolerates low light indoors"),
    ("How do I teach my kid to ride a bike without stabilisers?", "helping a child learn cycling on two wheels"),
    ("What is a good stretching routine after running?", "cool down exercises for joggers"),
]

ANSWER_FACTS = [
    (
        "What did the doctor say about my blood test?",
        "Your ferritin is low; take iron tablets with orange juice for three months.",
        "ferritin iron tablets",
    ),
    (
        "Which restaurant did we pick for Friday?",
        "You chose Osteria Bellini on Canal Street, a table for four at 8pm.",
        "Osteria Bellini",
    ),
    (
        "What was that book you recommended?",
        "The Left Hand of Darkness by Ursula Le Guin, set on the winter planet Gethen.",
        "Le Guin Gethen",
    ),
    (
        "Remind me what the landlord agreed to",
        "He agreed to replace the boiler before November and freeze the rent.",
        "boiler replacement before November",
    ),
    (
        "What was the plan for the garden?",
        "Plant garlic in October, then broad beans and shallots in early spring.",
        "garlic broad beans shallots",
    ),
    ("Where did I leave the spare keys?", "You put them in the blue ceramic jar above the fridge.", "blue ceramic jar"),
    (
        "What did the mechanic find?",
        "The alternator belt is cracked and the rear brake pads are at 2 mm.",
        "cracked alternator belt",
    ),
    (
        "What is the wifi setup at the cottage?",
        "The router is a Fritzbox 7530; the network is called Heron and the password is on its base.",
        "Fritzbox Heron network",
    ),
    (
        "Summarise the meeting with the architect",
        "She proposed a skylight over the stairs and moving the bathroom to the north wall.",
        "skylight over the stairs",
    ),
    (
        "What did we decide about the holiday?",
        "Two weeks in Porto in June, flying from Bristol, staying near the Ribeira.",
        "Porto Ribeira June",
    ),
    (
        "What was the vet's advice?",
        "Switch Biscuit to a low-phosphorus renal diet and recheck kidney values in six weeks.",
        "renal diet kidney values",
    ),
    (
        "Which laptop did you suggest?",
        "A ThinkPad X1 Carbon with 32 GB of memory, refurbished to stay under budget.",
        "ThinkPad X1 Carbon",
    ),
    (
        "What did the plumber quote?",
        "Four hundred and twenty pounds to reroute the soil stack and fit a new trap.",
        "reroute the soil stack",
    ),
    (
        "What was my grandmother's cake recipe?",
        "Cardamom and saffron sponge with a pistachio crumb, baked at 170 degrees.",
        "cardamom saffron sponge",
    ),
    (
        "What did the tax adviser say?",
        "File the self assessment by January 31 and claim the home office allowance.",
        "home office allowance self assessment",
    ),
]


def history(*, filler: int, seed: int = 5) -> tuple[list[tuple[str, str]], list[tuple[str, str, int]]]:
    """(turns as (prompt, answer), queries as (kind, query, index of the turn it names))."""
    rng = random.Random(seed)
    turns: list[tuple[str, str]] = []
    queries: list[tuple[str, str, int]] = []
    for number, template in enumerate(IDENTIFIER_TEMPLATES):
        for _group in range(3):  # each queried identifier among look-alikes worded the same way
            codes = identifiers(number, rng)
            queries.append(("exact", codes[0], len(turns)))
            for code in codes:
                turns.append((template.format(code=code), "Check the logs and the recent changes first."))
    for prompt, paraphrase in PARAPHRASES:
        queries.append(("paraphrase", paraphrase, len(turns)))
        turns.append((prompt, "Here are a few things to try."))
    for prompt, answer, fact in ANSWER_FACTS:
        queries.append(("answer", fact, len(turns)))
        turns.append((prompt, answer))
    for text in corpus.texts(filler, seed=seed):
        turns.append((text, f"A short answer about {text.lower()}"))
    return turns, queries
