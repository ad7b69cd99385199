"""The letterhead never stops a document from printing."""

import base64

from reportlab.lib.styles import getSampleStyleSheet

from lindungi.core.letterhead import heading, letterhead

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_a_readable_logo_is_used(settings, tmp_path):
    logo = tmp_path / "lambang.png"
    logo.write_bytes(PNG)
    settings.LINDUNGI_LETTERHEAD_LOGO = str(logo)
    assert letterhead().logo == logo
    assert heading(getSampleStyleSheet())


def test_a_missing_or_broken_logo_is_left_out(settings, tmp_path, caplog):
    broken = tmp_path / "lambang.png"
    broken.write_bytes(b"not an image")
    for path in (str(broken), str(tmp_path / "missing.png")):
        settings.LINDUNGI_LETTERHEAD_LOGO = path
        assert letterhead().logo is None
        assert heading(getSampleStyleSheet())
    assert "not a readable image" in caplog.text
