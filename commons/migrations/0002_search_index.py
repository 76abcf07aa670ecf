"""The search index of the commons, per database.

PostgreSQL: the `unaccent` extension, an `elan_french` text search
configuration (French Snowball stemming behind unaccent) and a GIN index on
`search_vector`. SQLite: an FTS5 table with diacritics removed; its rows
are written by commons.search.index_resources (called by the services that
save revisions). Other databases get neither and search nothing.
"""

from django.db import migrations

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS commons_resource_fts USING fts5("
    "title, summary, body, tokenize = 'unicode61 remove_diacritics 2')"
)
PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'elan_french') THEN
            CREATE TEXT SEARCH CONFIGURATION elan_french (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION elan_french
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    "CREATE INDEX IF NOT EXISTS commons_resource_search_gin "
    "ON commons_resource USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS commons_resource_search_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS elan_french",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": [FTS]}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {
        "postgresql": PG_BACKWARD,
        "sqlite": ["DROP TABLE IF EXISTS commons_resource_fts"],
    }.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
