"""The main job end to end on tiny real-data fixtures and the hand-made register."""


def test_report_written(demo):
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Республика Башкортостан" in html
    assert "http://" not in html
    assert "https://" not in html
