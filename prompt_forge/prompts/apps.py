from django.apps import AppConfig


class PromptsConfig(AppConfig):
    name = "prompt_forge.prompts"
    label = "prompts"
    verbose_name = "Prompts"

    def ready(self) -> None:
        from prompt_forge.search.registry import use_vector_store

        from .vector_store import EmbeddingStore

        use_vector_store(EmbeddingStore())  # search reads the stored embeddings through it
