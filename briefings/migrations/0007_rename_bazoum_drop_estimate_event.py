"""Content truth (issue 7): the article calls him “President Bazoum”, never “Mohamed”.

The pack renames the leader ``mohamed-bazoum`` to ``bazoum``; a slug is an item's identity across
re-imports, so the existing row is renamed here (keeping its history and edits) rather than left
behind as a stale duplicate. The old URL redirects (see ``briefings/urls.py``).

The pack also drops the timeline event ``wagner-gold-estimate-begins``: the start of an estimate's
period is not an event (the estimate stays a key figure). The importer never deletes, so the
untouched pack row goes here; an editor's own or edited row would have origin ``editor``.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Leader = apps.get_model("briefings", "Leader")
    TimelineEvent = apps.get_model("briefings", "TimelineEvent")
    if not Leader.objects.filter(slug="bazoum").exists():
        Leader.objects.filter(slug="mohamed-bazoum").update(slug="bazoum")
    TimelineEvent.objects.filter(slug="wagner-gold-estimate-begins", origin="pack").delete()


def backwards(apps, schema_editor):
    Leader = apps.get_model("briefings", "Leader")
    if not Leader.objects.filter(slug="mohamed-bazoum").exists():
        Leader.objects.filter(slug="bazoum").update(slug="mohamed-bazoum")


class Migration(migrations.Migration):
    dependencies = [("briefings", "0006_briefing_origin_and_background_kind")]
    operations = [migrations.RunPython(forwards, backwards)]
