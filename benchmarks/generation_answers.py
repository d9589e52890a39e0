"""Do the answers stay right? Greedy answers to a fixed set of prompts, side by side.

    .venv/bin/python benchmarks/generation_answers.py --quick    # 3 prompts, the engine only
    .venv/bin/python benchmarks/generation_answers.py            # 10 prompts, 48 tokens, every column

Columns: the transformers path in float32 (GENERATION_BACKEND=transformers, the reference), the
answers the previous hand-written int8 engine gave (recorded in benchmarks/RESULTS.md before it was
replaced, same prompts, 48 tokens), and the current engine (OpenVINO GenAI on the bundled GGUF).
Prints a Markdown table ("= reference" where an answer is identical) and how many match.
"""

# ruff: noqa: E501 - the recorded answers are kept verbatim, one line each
import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.machine import describe  # noqa: E402
from prompt_forge.ai.base import SamplingParams  # noqa: E402
from prompt_forge.ai.bundled import SMOLLM2_ID  # noqa: E402

# Prompt -> the previous engine's greedy answer (int8, 48 new tokens).
PREVIOUS_ENGINE = {
    "What is the capital of France?": ("The capital of France is Paris."),
    "What is 12 times 12?": (
        "12 * 12 = 144  This is a simple example of how multiplication can be used to calculate a number by breaking it down into its basic components. In this case, 12 is multiplied by itself"
    ),
    "Name three primary colors.": (
        "The primary colors are:  Red, Blue, and Yellow. These three colors are the fundamental colors of the visual spectrum. They are the three primary colors that are used to create the complete color spectrum."
    ),
    "Who wrote Romeo and Juliet?": (
        "The story of Romeo and Juliet by William Shakespeare is a classic example of a tragicomisry, a style of literature that explores the complexities of love, fate, and fate itself. The play is set in the 17th century"
    ),
    "What is the largest planet in our solar system?": (
        "The largest planet in our solar system is Neptune, but it's actually Uranus. Uranus is the eighth planet from the Sun, and it's named after the Norse god of the moon."
    ),
    "What is photosynthesis?": (
        "Photosynthesis is a vital process that occurs in plants, algae, and some types of bacteria, which use sunlight, water, and carbon dioxide to convert them into glucose and oxygen. This process is essential for life on Earth because it provides the"
    ),
    "Translate 'good morning' into Spanish.": ("Hacer el cambio, desde el cambio."),
    "Write a haiku about the sea.": (
        "In the depths of the blue, a gentle breeze, A gentle breeze, a gentle sigh, A gentle breeze, a gentle sigh, A gentle breeze, a gentle sigh, A gentle breeze, a gentle sigh,"
    ),
    "Give me a tip for learning to code.": (
        "The code. It's a language that's hard to explain, but it's very important. I'm not here to tell you how to code, but I'm here to help you. I'm a language that's hard to explain,"
    ),
    "How do I boil an egg?": (
        "Blooming an egg is a process of soaking it in water until it reaches its optimal temperature. To boil an egg, you need to soak it in water for about 10 minutes, then remove it from the heat and let it"
    ),
}
PROMPTS = list(PREVIOUS_ENGINE)
REFERENCE, PREVIOUS, CURRENT = "reference (transformers fp32)", "previous engine (int8)", "engine (OpenVINO GenAI)"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def answers_of(backend: str, prompts: list[str], tokens: int) -> list[str]:
    params = SamplingParams(max_new_tokens=tokens)
    if backend == "transformers":
        from prompt_forge.ai.transformers_generator import TransformersGenerator

        generator = TransformersGenerator(SMOLLM2_ID, max_new_tokens=tokens, cache_dir=REPO / "data" / "models")
        return [generator.generate(prompt, params=params).text for prompt in prompts]
    from prompt_forge.ai.openvino_engine import OpenVINOGenerator

    generator = OpenVINOGenerator(SMOLLM2_ID, max_new_tokens=tokens)
    try:
        return [generator.generate(prompt, params=params).text for prompt in prompts]
    finally:
        generator.engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 prompts, the current engine against the record")
    parser.add_argument("--tokens", type=int, default=48)
    args = parser.parse_args()
    print(describe(), flush=True)
    prompts = PROMPTS[:3] if args.quick else PROMPTS
    answers = {CURRENT: answers_of("openvino", prompts, args.tokens)}
    answers[PREVIOUS] = [PREVIOUS_ENGINE[prompt] for prompt in prompts]
    if not args.quick:
        answers[REFERENCE] = answers_of("transformers", prompts, args.tokens)
    columns = [label for label in (REFERENCE, PREVIOUS, CURRENT) if label in answers]
    reference = answers.get(REFERENCE, answers[PREVIOUS])
    print("| prompt | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for index, prompt in enumerate(prompts):
        row = [
            "= reference" if label != REFERENCE and label in answers and answers[label][index] == reference[index]
            and REFERENCE in answers else cell(answers[label][index])
            for label in columns
        ]  # fmt: skip
        print(f"| {prompt} | " + " | ".join(row) + " |")
    if REFERENCE in answers:
        for label in columns:
            same = sum(a == r for a, r in zip(answers[label], reference, strict=True))
            print(f"\n{label}: {same}/{len(prompts)} answers identical to the reference")
    paris = answers[CURRENT][0]
    print(f"\nWhat is the capital of France? -> {paris!r}: {'Paris' in paris}")


if __name__ == "__main__":
    main()
