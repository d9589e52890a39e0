"""The keyword index: search's copy of each prompt's words and its answer's, and the database's full-text index on it.

SQLite: an FTS5 table over it; PostgreSQL: a tsvector column with a GIN index. Prompts saved before
this migration are copied in and indexed here.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from prompt_forge.search import keyword_index

    connection = schema_editor.connection
    keyword_index.ensure_schema(connection)
    prompts = apps.get_model("prompts", "Prompt")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO search_keyworddocument (prompt_id, user_id, prompt, answer) "
            f"SELECT p.id, p.user_id, p.text, p.response FROM {prompts} AS p"
        )
    keyword_index.rebuild_engine(connection)


def backwards(apps, schema_editor):
    from prompt_forge.search import keyword_index

    keyword_index.drop_schema(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_pgvector'),
        ('prompts', '0003_conversations'),
    ]

    operations = [
        migrations.CreateModel(
            name='KeywordDocument',
            fields=[
                ('prompt_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('user_id', models.BigIntegerField()),
                ('prompt', models.TextField()),
                ('answer', models.TextField(blank=True, default='')),
            ],
            options={
                'indexes': [models.Index(fields=['user_id', 'prompt_id'], name='keyword_document_user')],
            },
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
