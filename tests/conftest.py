from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def article_path():
    return Path(settings.BRIEFING_SOURCE)


@pytest.fixture
def pack_dir():
    return Path(settings.BRIEFING_PACK)
