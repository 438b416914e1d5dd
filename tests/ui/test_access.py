"""Roles: readers ask, read and quiz; administrators change the library; every change is in the audit log."""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import ui.access as access_module
from ingest.audit import changes
from ingest.chroma_server import free_port
from tests.ui.conftest import GWR_2019
from ui.access import (
    ADMIN,
    LOCAL_USER,
    READER,
    Access,
    AccessError,
    User,
    hash_password,
    load_users,
    password_matches,
    save_user,
)
from ui.context import Services
from ui.library import NOT_ALLOWED, import_as, remove_as

USERS = {
    "admin": User("admin", ADMIN, hash_password("管理员的密码")),
    "reader": User("reader", READER, hash_password("读者的密码")),
}


def _request(name: str | None) -> SimpleNamespace:
    return SimpleNamespace(username=name)  # what Gradio's Request carries once signed in


def test_passwords_are_salted_scrypt_hashes() -> None:
    stored = hash_password("secret")
    assert stored.startswith("scrypt$") and "secret" not in stored and stored != hash_password("secret")
    assert password_matches("secret", stored) and not password_matches("Secret", stored)
    assert not password_matches("secret", "plain-text-password")


def test_no_users_means_one_local_administrator_and_only_on_loopback() -> None:
    local = Access.for_host({}, "127.0.0.1")
    assert local.may_change_library(_request(None)) and local.who(_request(None)) == LOCAL_USER
    with pytest.raises(AccessError, match=r"refusing to serve on 0\.0\.0\.0 without users"):
        Access.for_host({}, "0.0.0.0")
    assert Access.for_host(USERS, "0.0.0.0").users == USERS  # with users, any address


def test_roles_decide_who_changes_the_library() -> None:
    access = Access(USERS)
    assert access.login("admin", "管理员的密码") and not access.login("admin", "读者的密码")
    assert not access.login("nobody", "x")
    assert access.may_change_library(_request("admin"))
    assert not access.may_change_library(_request("reader"))
    assert not access.may_change_library(_request(None))  # a request without a signed-in user


def test_a_reader_cannot_import_or_remove_even_by_calling_the_handlers(services: Services, tmp_path: Path) -> None:
    access = Access(USERS)
    upload = tmp_path / "2024-09-01_reader-upload.txt"
    upload.write_text("读者上传的讲话\n\n今年计划植树一万亩。\n", encoding="utf-8")
    refused = import_as(access, _request("reader"), services, [str(upload)], lambda fs: fs)
    assert refused == NOT_ALLOWED.format(who="reader") and services.index.store.document(upload.name) is None
    assert remove_as(access, _request("reader"), services, GWR_2019) == NOT_ALLOWED.format(who="reader")
    assert services.index.store.document(GWR_2019) is not None
    assert changes(services.settings) == []  # nothing changed, nothing recorded


def test_an_administrators_changes_are_recorded(services: Services, tmp_path: Path) -> None:
    access = Access(USERS)
    upload = tmp_path / "2024-09-02_admin-upload.txt"
    upload.write_text("管理员上传的讲话\n\n今年计划修路十公里。\n", encoding="utf-8")
    assert "新增 1" in import_as(access, _request("admin"), services, [str(upload)], lambda fs: fs)
    assert remove_as(access, _request("admin"), services, upload.name).startswith("已删除")
    log = changes(services.settings)[::-1]  # oldest first
    assert [(e.who, e.what, e.name) for e in log] == [
        ("admin", "import", upload.name),
        ("admin", "remove", upload.name),
    ]
    assert len(log[0].sha256) == 64 and log[0].at


def test_a_change_to_the_users_file_counts_from_the_next_request(tmp_path: Path) -> None:
    users_file = tmp_path / "users.json"
    save_user(users_file, "li", READER, "pw-li")
    access = Access.for_host(load_users(users_file), "0.0.0.0", users_file)
    assert access.login("li", "pw-li") and not access.may_change_library(_request("li"))
    save_user(users_file, "li", ADMIN, "pw-li")  # promoted
    os.utime(users_file, (1, 1))  # a new modification time even within the file system's clock tick
    assert access.may_change_library(_request("li"))
    users_file.write_text("{not json", encoding="utf-8")  # half-written: the last good users stay
    os.utime(users_file, (2, 2))
    assert access.login("li", "pw-li")
    users_file.write_text(json.dumps({"wang": {"role": READER, "password": hash_password("pw-w")}}), "utf-8")
    os.utime(users_file, (3, 3))
    assert not access.login("li", "pw-li") and not access.may_change_library(_request("li"))  # removed
    assert access.login("wang", "pw-w")


def test_an_unknown_name_costs_the_same_password_check(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = access_module.password_matches
    monkeypatch.setattr(access_module, "password_matches", lambda pw, stored: checked.append(pw) or real(pw, stored))
    assert not Access(USERS).login("nobody", "guess")
    assert checked == ["guess"]  # scrypt ran: a wrong name takes as long as a wrong password


def test_command_line_imports_and_removals_are_recorded(
    monkeypatch: pytest.MonkeyPatch, services: Services, tmp_path: Path
) -> None:
    import cli

    monkeypatch.setattr(cli, "get_settings", lambda: services.settings)
    monkeypatch.setattr(cli, "_open_index", lambda: services.index)
    speech = tmp_path / "2024-09-03_cli-upload.txt"
    speech.write_text("命令行导入的讲话\n\n今年计划新建学校三所。\n", encoding="utf-8")
    assert CliRunner().invoke(cli.app, ["ingest", str(speech)]).exit_code == 0
    assert CliRunner().invoke(cli.app, ["remove", speech.name]).exit_code == 0
    log = changes(services.settings)[::-1]
    assert [(e.what, e.name) for e in log] == [("import", speech.name), ("remove", speech.name)]
    assert log[0].who == f"命令行:{getpass.getuser()}" and len(log[0].sha256) == 64
    shown = CliRunner().invoke(cli.app, ["changes", "--json"])
    assert [(c["what"], c["name"]) for c in json.loads(shown.output)] == [
        ("remove", speech.name),
        ("import", speech.name),
    ]


def test_the_cli_writes_users_with_hashed_passwords(tmp_path: Path) -> None:
    from cli import app

    users_file = tmp_path / "users.json"
    result = CliRunner().invoke(
        app, ["user", "alice", "--role", "admin", "--users-file", str(users_file)], input="pw-1234\npw-1234\n"
    )
    assert result.exit_code == 0, result.output
    (alice,) = load_users(users_file).values()
    assert alice.role == ADMIN and password_matches("pw-1234", alice.password_hash)
    assert "pw-1234" not in users_file.read_text("utf-8")
    bad = CliRunner().invoke(app, ["user", "bob", "--role", "owner", "--users-file", str(users_file)], input="a\na\n")
    assert bad.exit_code == 2


def _raw_event(client, url: str, api_name: str, data: list) -> list:
    """Send an event as the browser does (POST queue/join, then read the event stream) and return its output."""
    config = client.get(f"{url}config").json()
    (fn_index,) = [d["id"] for d in config["dependencies"] if d.get("api_name") == api_name]
    session = "raw-test-session"
    joined = client.post(
        f"{url}gradio_api/queue/join",
        json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None},
    )
    assert joined.status_code == 200, joined.text
    with client.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}, timeout=60) as stream:
        for line in stream.iter_lines():
            message = json.loads(line[5:]) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed":
                return message["output"]["data"]
    raise AssertionError("the event never completed")


def test_a_signed_in_reader_sending_the_browsers_removal_request_is_refused(services: Services) -> None:
    import httpx

    from app import build_app

    port = free_port()
    access = Access(USERS)
    demo = build_app(services, access)
    demo.queue()
    demo.launch(server_port=port, prevent_thread_lock=True, quiet=True, auth=access.login)
    url = f"http://127.0.0.1:{port}/"
    try:
        with httpx.Client() as anonymous:
            assert anonymous.get(f"{url}config").status_code == 401  # nothing without signing in
        with httpx.Client() as reader:
            assert reader.post(f"{url}login", data={"username": "reader", "password": "读者的密码"}).status_code == 200
            output = _raw_event(reader, url, "remove", [GWR_2019])
        assert output[0] == NOT_ALLOWED.format(who="reader")
        assert services.index.store.document(GWR_2019) is not None
        with httpx.Client() as admin:
            assert admin.post(f"{url}login", data={"username": "admin", "password": "管理员的密码"}).status_code == 200
            assert _raw_event(admin, url, "remove", [GWR_2019])[0].startswith("已删除")
        assert services.index.store.document(GWR_2019) is None
    finally:
        demo.close()
