"""The change log every search index catches up from: which of a user's prompts changed, in order.

Each write of a user's embeddings bumps that user's version inside the same transaction and logs
the prompt ids it touched under the new version numbers. The version row is locked until commit,
so versions become visible in order; a process that has applied version N needs one indexed query
(`version > N`) to catch up with every other process's inserts and deletes.
"""

from django.conf import settings
from django.db import models


class IndexVersion(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"user {self.user_id} at version {self.version}"


class IndexChange(models.Model):
    class Op(models.TextChoices):
        UPSERT = "u"
        REMOVE = "r"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.BigIntegerField()
    # Not a foreign key: the entry must outlive the prompt it says was removed.
    prompt_id = models.BigIntegerField()
    op = models.CharField(max_length=1, choices=Op.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="index_change_user_version")]

    def __str__(self) -> str:
        return f"user {self.user_id} v{self.version}: {self.op} {self.prompt_id}"


class KeywordDocument(models.Model):
    """The words of one prompt and its answer, as the keyword index holds them (its content table).

    SQLite: an FTS5 table (keyword_sqlite.py) uses this table as its external content, so the index
    can always remove exactly what it added. PostgreSQL: a tsvector column with a GIN index beside the
    text (keyword_postgres.py). Not foreign keys: search's own copy, changed only by its verbs.
    """

    prompt_id = models.BigIntegerField(primary_key=True)
    user_id = models.BigIntegerField()
    prompt = models.TextField()
    answer = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["user_id", "prompt_id"], name="keyword_document_user")]

    def __str__(self) -> str:
        return f"words of prompt {self.prompt_id}"
