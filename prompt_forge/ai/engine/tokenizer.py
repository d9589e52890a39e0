"""The engine's tokenizer: the `tokenizers` library and the model's own Jinja chat template.

Loading it from the engine's cache folder does not import transformers (about 1.5 s of a start-up).
The chat template is rendered the way transformers renders it (sandboxed Jinja, trimmed blocks,
loop controls), which tests/ai/engine/test_tokenizer.py checks against transformers itself.
"""

import json
from pathlib import Path

TEMPLATE_FILE = "chat_template.jinja"
SPECIAL_TOKENS = ("bos_token", "eos_token", "pad_token", "unk_token")


def _raise_exception(message: str):
    raise ValueError(message)


class EngineTokenizer:
    def __init__(self, folder: Path) -> None:
        from jinja2.sandbox import ImmutableSandboxedEnvironment
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        config = json.loads((folder / "tokenizer_config.json").read_text())
        template_file = folder / TEMPLATE_FILE
        source = template_file.read_text() if template_file.exists() else config.get("chat_template")
        self.special_tokens = {name: self._token_text(config.get(name)) for name in SPECIAL_TOKENS}
        self.chat_template = None
        if source:
            environment = ImmutableSandboxedEnvironment(
                trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
            )
            environment.globals["raise_exception"] = _raise_exception
            self.chat_template = environment.from_string(source)

    @staticmethod
    def _token_text(value) -> str | None:
        return value.get("content") if isinstance(value, dict) else value

    def render_chat(self, messages: list[dict]) -> str:
        """The conversation as the model was trained to read it, ending where the assistant answers."""
        return self.chat_template.render(messages=messages, add_generation_prompt=True, **self.special_tokens)

    def encode(self, text: str, *, add_special_tokens: bool) -> list[int]:
        return self._tokenizer.encode(text, add_special_tokens=add_special_tokens).ids

    def decode(self, ids: list[int]) -> str:
        return self._tokenizer.decode(ids, skip_special_tokens=True)
