"""The browser app end to end: headless Chromium through Playwright, and the API through gradio_client.

Screenshots of the chat and the library are saved to test-artifacts/.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.model, pytest.mark.browser]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"


@pytest.fixture(scope="module")
def url(real_services):
    from app import CSS, build_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_app(real_services)
    demo.queue(default_concurrency_limit=4)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def page(url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        page.wait_for_selector("#sq-question textarea", timeout=30_000)
        yield page
        browser.close()


def test_ask_streams_then_shows_cited_answer_and_opens_the_document(page) -> None:
    page.fill("#sq-question textarea", QUESTION)
    page.click("#sq-send")
    page.wait_for_function(  # progress is shown while the answer is prepared; the unchecked draft is not
        "() => document.querySelector('#sq-chat')?.innerText.includes('正在')", timeout=120_000
    )
    page.wait_for_selector("#sq-sources mark", timeout=120_000)
    chat = page.inner_text("#sq-chat")
    assert "6%－6.5%" in chat and "[1]" in chat
    assert "2019年国务院政府工作报告" in page.inner_text("#sq-sources")
    assert "6%－6.5%" in page.inner_text("#sq-sources mark")
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    page.click("#sq-open-cite")
    page.wait_for_selector("#sq-viewer mark", timeout=30_000)
    assert "6%－6.5%" in page.inner_text("#sq-viewer mark")
    page.wait_for_timeout(1500)  # the scroll runs 300 ms after the document is shown
    in_view = page.evaluate(
        "() => { const r = document.getElementById('sq-quote').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert in_view, "the quote is not inside the viewport after 在文档中打开"
    assert "一、2018年工作回顾" in page.inner_text("#sq-outline")


def test_abstention_is_shown_clearly(page) -> None:
    page.get_by_role("tab", name="问答").click()
    page.fill("#sq-question textarea", "2020年政府工作报告拟安排地方政府专项债券多少？")
    page.click("#sq-send")
    page.wait_for_selector("#sq-sources .sq-abstain", timeout=60_000)
    assert "2020年政府工作报告" in page.inner_text("#sq-sources .sq-abstain")


def test_upload_ingests_good_files_and_names_bad_ones(page, tmp_path: Path) -> None:
    good = tmp_path / "2024-05-01_upload-test.txt"
    good.write_text("在测试会议上的讲话\n\n一、总体要求\n\n今年计划植树造林一万亩。", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    page.get_by_role("tab", name="文库").click()
    page.set_input_files("#sq-upload input[type=file]", [str(good), str(empty), str(sheet)])
    page.wait_for_timeout(1500)
    page.click("#sq-ingest")
    page.wait_for_function(
        "() => document.querySelector('#sq-ingest-log')?.innerText.includes('导入完成')", timeout=120_000
    )
    log = page.inner_text("#sq-ingest-log")
    assert "新增 1" in log
    assert "empty.txt" in log and "文件是空的" in log
    assert "table.xlsx" in log and "不支持的文件类型" in log
    page.fill("#sq-lib-search textarea", "测试会议")
    page.wait_for_function(
        "() => document.querySelector('#sq-lib-table')?.innerText.includes('在测试会议上的讲话')", timeout=30_000
    )
    # the table re-renders after filtering; the last copy of the cell is the live one
    page.locator("#sq-lib-table").get_by_text("在测试会议上的讲话", exact=True).last.click()
    page.wait_for_function(
        "() => document.querySelector('#sq-viewer')?.innerText.includes('植树造林一万亩')", timeout=30_000
    )
    page.screenshot(path=str(ARTIFACTS / "library.png"), full_page=True)


def test_api_returns_the_ask_json(url) -> None:
    from gradio_client import Client

    result = Client(url, verbose=False).predict(QUESTION, api_name="/ask")
    assert set(result) >= {"id", "question", "answer", "abstained", "citations", "retrieved", "timings"}
    assert result["citations"][0]["doc"] == "2019-03-05_gwr-2019.txt"
    assert "6%－6.5%" in result["answer"]


def test_targets_tab_shows_the_table_the_chart_and_a_cells_sentence(page) -> None:
    page.get_by_role("tab", name="历年目标").click()
    page.wait_for_function(
        "() => document.querySelector('#sq-targets-table')?.innerText.includes('2019')", timeout=30_000
    )
    assert page.locator("#sq-targets-chart svg").count() == 1
    table = page.inner_text("#sq-targets-table")
    assert "6%－6.5%" in table and "6.5%左右" in table  # 2019's and 2018's targets, side by side with results
    page.locator("#sq-targets-table").get_by_text("6%－6.5%").last.click()
    page.wait_for_selector("#sq-targets-document mark", timeout=30_000)
    assert "6%－6.5%" in page.inner_text("#sq-targets-document mark")
    page.screenshot(path=str(ARTIFACTS / "targets.png"), full_page=True)
