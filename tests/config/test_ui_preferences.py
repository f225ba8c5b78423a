"""Column widths and dismissed alerts: the reference's paths, fields and codes, kept in its file keys."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

WIDTHS_URL = "/api/config/column-widths"
SAVE = {"table": "experiments", "size": "1400x900", "widths": {"name": 220, "status": 90},
        "window_width": 1440, "window_height": 900}


def widths(client, table="experiments", size="1400x900"):  # type: ignore[no-untyped-def]
    return client.get(WIDTHS_URL, {"table": table, "size": size})


def test_widths_are_empty_until_saved(client):
    answer = widths(client)
    assert answer.status_code == 200
    assert answer.json() == {"table": "experiments", "size": "1400x900", "widths": {}}


def test_saved_widths_come_back_for_that_table_and_size_only(client, config_home):
    saved = client.post(WIDTHS_URL, SAVE, format="json")

    assert saved.status_code == 200
    assert saved.json() == {"ok": True, "message": "Column width preferences saved"}
    assert widths(client).json()["widths"] == {"name": 220, "status": 90}
    assert widths(client, size="1900x1000").json()["widths"] == {}
    assert widths(client, table="artifacts").json()["widths"] == {}
    # In the user config file under the reference's key and layout, so its viewer reads them too.
    entry = json.loads((config_home / "config.json").read_text())["column_widths"]["experiments@1400x900"]
    assert entry["widths"] == {"name": 220, "status": 90} and entry["window_width"] == 1440


def test_saving_again_replaces_and_put_saves_as_post_does(client):
    client.post(WIDTHS_URL, SAVE, format="json")
    replaced = client.put(WIDTHS_URL, {**SAVE, "widths": {"name": 300}}, format="json")
    assert replaced.status_code == 200
    assert widths(client).json()["widths"] == {"name": 300}


@pytest.mark.parametrize("params", [{}, {"table": "experiments"}, {"size": "1400x900"}])
def test_get_without_table_or_size_is_422(client, params):
    answer = client.get(WIDTHS_URL, params)
    assert answer.status_code == 422
    assert "is required" in answer.json()["detail"]


@pytest.mark.parametrize(("change", "message"), [
    ({"widths": {"name": "wide"}}, "the width of 'name' must be an integer from 0 to 100000"),
    ({"widths": {"name": -5}}, "the width of 'name' must be an integer from 0 to 100000"),
    ({"widths": {"name": True}}, "the width of 'name' must be an integer from 0 to 100000"),
    ({"widths": [220]}, "widths must be an object of column name to width in pixels"),
    ({"size": None}, "size must be 1-64 letters, digits, '_', '.', ':' or '-'"),
    ({"table": "../../etc"}, "table must be 1-64 letters, digits, '_', '.', ':' or '-'"),
    ({"window_width": "big"}, "window_width must be an integer from 0 to 100000"),
])
def test_a_malformed_save_is_422_and_changes_nothing(client, change, message):
    client.post(WIDTHS_URL, SAVE, format="json")
    answer = client.post(WIDTHS_URL, {**SAVE, **change}, format="json")
    assert answer.status_code == 422
    assert answer.json() == {"detail": message}
    assert widths(client).json()["widths"] == {"name": 220, "status": 90}


def test_a_body_that_is_not_an_object_is_400(client):
    answer = client.post(WIDTHS_URL, [SAVE], format="json")
    assert answer.status_code == 400 and answer.json() == {"detail": "The body must be a JSON object"}


def test_reset_forgets_one_size_or_every_size_of_a_table(client):
    client.post(WIDTHS_URL, SAVE, format="json")
    client.post(WIDTHS_URL, {**SAVE, "size": "1900x1000"}, format="json")
    client.post(WIDTHS_URL, {**SAVE, "table": "artifacts"}, format="json")

    one = client.delete(f"{WIDTHS_URL}?table=experiments&size=1400x900")
    assert one.json() == {"ok": True, "message": "Column width preferences reset"}
    assert widths(client).json()["widths"] == {}
    assert widths(client, size="1900x1000").json()["widths"] != {}

    assert client.post(f"{WIDTHS_URL}/reset?table=experiments").status_code == 200
    assert widths(client, size="1900x1000").json()["widths"] == {}
    assert widths(client, table="artifacts").json()["widths"] == {"name": 220, "status": 90}
    assert client.post(f"{WIDTHS_URL}/reset").status_code == 422


def test_widths_in_a_reference_config_file_are_read(client, config_home):
    config_home.mkdir(parents=True)
    (config_home / "config.json").write_text(json.dumps({"column_widths": {
        "experiments@1400x900": {"widths": {"name": 180, "junk": "x"}, "window_width": None,
                                 "window_height": None, "updated_at": 1.0}}}))
    assert widths(client).json()["widths"] == {"name": 180}


ALERTS_URL = "/api/config/dismissed-alerts"


def test_dismissed_alerts_round_trip(client, config_home):
    assert client.get(ALERTS_URL).json() == {"dismissed_alerts": []}

    first = client.post(f"{ALERTS_URL}/dismiss", {"alert_id": "storage-warning"}, format="json")
    client.post(f"{ALERTS_URL}/dismiss", {"alert_id": "storage-warning"}, format="json")  # idempotent
    client.post(f"{ALERTS_URL}/dismiss", {"alert_id": "gpu-missing"}, format="json")

    assert first.json() == {"ok": True, "message": "Alert 'storage-warning' dismissed"}
    assert client.get(ALERTS_URL).json() == {"dismissed_alerts": ["storage-warning", "gpu-missing"]}
    assert json.loads((config_home / "config.json").read_text())["dismissed_alerts"] == [
        "storage-warning", "gpu-missing"]

    restored = client.post(f"{ALERTS_URL}/undismiss", {"alert_id": "storage-warning"}, format="json")
    assert restored.json() == {"ok": True, "message": "Alert 'storage-warning' restored"}
    assert client.get(ALERTS_URL).json() == {"dismissed_alerts": ["gpu-missing"]}

    cleared = client.post(f"{ALERTS_URL}/clear")
    assert cleared.json() == {"ok": True, "message": "All dismissed alerts cleared"}
    assert client.get(ALERTS_URL).json() == {"dismissed_alerts": []}


@pytest.mark.parametrize("body", [{}, {"alert_id": 5}, {"alert_id": "x" * 201}, {"alert_id": "a\nb"}])
def test_a_malformed_alert_id_is_422(client, body):
    answer = client.post(f"{ALERTS_URL}/dismiss", body, format="json")
    assert answer.status_code == 422
    assert answer.json() == {"detail": "alert_id must be a string of at most 200 printable characters"}
    assert client.get(ALERTS_URL).json() == {"dismissed_alerts": []}


def test_get_of_a_post_only_path_is_405(client):
    assert client.get(f"{ALERTS_URL}/dismiss").status_code == 405
