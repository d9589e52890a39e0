from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "prompt_forge.prompts"
    label = "prompts"
    verbose_name = "Prompts"

    def ready(self) -> None:
        from prompt_forge.search.registry import ANSWER, PROMPT, use_vector_store

        from .vector_store import EmbeddingStore

        # search reads the stored embeddings through these: the prompts' and the answers'
        use_vector_store(EmbeddingStore("vector"), kind=PROMPT)
        use_vector_store(EmbeddingStore("answer_vector"), kind=ANSWER)
