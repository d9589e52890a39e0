"""Do the engine's answers stay right? Greedy answers to a fixed set of prompts from the naive fp32
path (the reference), the engine in fp32 and the engine in int8, side by side.

    .venv/bin/python benchmarks/generation_answers.py [--tokens 48]

Prints a Markdown table (prompt, then each path's answer, with "= reference" where it is identical)
and how many answers per path match the reference word for word.
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.generation import CACHE_DIR, build  # noqa: E402
from prompt_forge.ai.base import SamplingParams  # noqa: E402

PROMPTS = [
    "What is the capital of France?",
    "What is 12 times 12?",
    "Name three primary colors.",
    "Who wrote Romeo and Juliet?",
    "What is the largest planet in our solar system?",
    "What is photosynthesis?",
    "Translate 'good morning' into Spanish.",
    "Write a haiku about the sea.",
    "Give me a tip for learning to code.",
    "How do I boil an egg?",
]
PATHS = {"reference (naive fp32)": ("transformers", "none"), "engine fp32": ("engine", "none"),
         "engine int8": ("engine", "int8")}  # fmt: skip


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=48)
    args = parser.parse_args()
    answers = {}
    for label, (backend, quantize) in PATHS.items():
        generator = build(backend, quantize, CACHE_DIR)
        params = SamplingParams(max_new_tokens=args.tokens)
        answers[label] = [generator.generate(prompt, params=params).text for prompt in PROMPTS]
        if hasattr(generator, "engine"):
            generator.engine.close()
    reference = answers["reference (naive fp32)"]
    print("| prompt | " + " | ".join(PATHS) + " |")
    print("|---" * (len(PATHS) + 1) + "|")
    for index, prompt in enumerate(PROMPTS):
        row = [
            "= reference" if label != "reference (naive fp32)" and answers[label][index] == reference[index]
            else cell(answers[label][index])
            for label in PATHS
        ]  # fmt: skip
        print(f"| {prompt} | " + " | ".join(row) + " |")
    for label in PATHS:
        same = sum(a == r for a, r in zip(answers[label], reference, strict=True))
        print(f"\n{label}: {same}/{len(PROMPTS)} answers identical to the reference")


if __name__ == "__main__":
    main()
