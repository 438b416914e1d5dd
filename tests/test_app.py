"""The browser app end to end: headless Chromium through Playwright, and the API through gradio_client.

Screenshots of the chat and the library are saved to test-artifacts/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.chroma_server import free_port
from tests.conftest import REPO
from tests.fakes import ScriptedChatModel

pytestmark = [pytest.mark.model, pytest.mark.browser]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"


# Records every text the new answer shows, so a test can check nothing shown was later withdrawn. The previous
# question's watcher is disconnected (left running, it recorded the previous answer into this answer's list), and
# only bot messages after the `n` already on the page count.
WATCH_ANSWERS = """([n]) => {
  window.sqSeen = [];
  if (window.sqWatch) window.sqWatch.disconnect();
  window.sqWatch = new MutationObserver(() => {
    const bots = document.querySelectorAll('#sq-chat [data-testid=bot]');
    const text = bots.length > n ? bots[bots.length - 1].innerText.trim() : '';
    if (text && window.sqSeen[window.sqSeen.length - 1] !== text) window.sqSeen.push(text);
  });
  window.sqWatch.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def url(real_services):
    url, demo = serve(real_services)
    yield url
    demo.close()


def serve(services) -> tuple[str, object]:
    from app import CSS, build_app, chinese_ui_js

    port = free_port()
    demo = build_app(services)
    demo.queue(default_concurrency_limit=4)
    launch = dict(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    demo.launch(**launch, js=chinese_ui_js())
    return f"http://127.0.0.1:{port}/", demo


def _slow_words() -> Iterator[str]:
    for n in range(1, 100_000):
        time.sleep(0.05)  # a model writing 20 pieces a second that never ends
        yield f"另外第{n}点与问题无关。"


@pytest.fixture(scope="module")
def runaway_url(real_services):
    """The same index behind a model that writes forever, with a 4-second limit."""
    from answer.chain import AnswerChain
    from ui.context import Services

    settings = real_services.settings.model_copy(update={"draft_time_limit_s": 4.0})
    chain = AnswerChain(real_services.searcher, settings, ScriptedChatModel(pieces=_slow_words()))
    url, demo = serve(Services(settings, real_services.index, real_services.searcher, chain))
    yield url
    demo.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


def open_page(browser, url: str, **options):
    """A new visitor: a fresh page (1440×900 desktop unless told), ready when the question box is."""
    page = browser.new_page(**({"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN"} | options))
    page.goto(url)
    page.wait_for_selector("#sq-question textarea", timeout=60_000)
    return page


@pytest.fixture(scope="module")
def page(browser, url):
    page = open_page(browser, url)
    yield page
    page.close()


def ask(page, question: str, timeout_ms: int = 240_000) -> str:
    """Type a question, send it, wait for the verified answer (or refusal); every text the answer showed on the way
    must be progress or part of what stays (nothing shown is withdrawn). Returns the final answer's text."""
    before = page.locator("#sq-chat [data-testid=bot]").count()
    page.evaluate(WATCH_ANSWERS, [before])
    page.fill("#sq-question textarea", question)
    page.click("#sq-send")
    page.wait_for_function(
        "([n]) => { const bots = document.querySelectorAll('#sq-chat [data-testid=bot]');"
        " return bots.length > n && !bots[bots.length - 1].innerText.trim().startsWith('正在'); }",
        arg=[before],
        timeout=timeout_ms,
    )
    page.wait_for_timeout(500)
    final = page.locator("#sq-chat [data-testid=bot]").last.inner_text().strip()
    seen = page.evaluate("window.sqSeen")
    progress = ("正在", "Loading content")  # ours, and Gradio's placeholder while a message renders
    withdrawn = [t for t in seen if not t.startswith(progress) and not final.startswith(t)]
    assert not withdrawn, f"shown while streaming, then withdrawn: {withdrawn} (final: {final})"
    return final


def test_ask_streams_then_shows_cited_answer_and_opens_the_document(page) -> None:
    final = ask(page, QUESTION)
    page.wait_for_selector("#sq-sources mark", timeout=30_000)
    chat = page.inner_text("#sq-chat")
    assert "6%－6.5%" in final and "[1]" in chat
    assert "2019年国务院政府工作报告" in page.inner_text("#sq-sources")
    assert "6%－6.5%" in page.inner_text("#sq-sources mark")
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
    page.click("#sq-open-cite")
    page.wait_for_selector("#sq-viewer mark", timeout=30_000)
    assert "6%－6.5%" in page.inner_text("#sq-viewer mark")
    page.wait_for_timeout(1500)  # the scroll runs 300 ms after the document is shown
    in_view = page.evaluate(
        "() => { const r = document.querySelector('#sq-viewer mark.sq-quote').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert in_view, "the quote is not inside the viewport after 在文档中打开"
    assert "一、2018年工作回顾" in page.inner_text("#sq-outline")


def test_a_second_unrelated_question_is_answered(page) -> None:
    page.get_by_role("tab", name="问答").click()
    final = ask(page, "四川与哪所高校签订了省校战略合作协议？")  # another document, another subject
    assert "清华大学" in final and not final.startswith("⚠️")
    assert page.locator("#sq-chat [data-testid=bot]").count() >= 2  # the first answer stays above


def test_abstention_is_shown_clearly(page) -> None:
    page.get_by_role("tab", name="问答").click()
    final = ask(page, "2020年政府工作报告拟安排地方政府专项债券多少？")
    page.wait_for_selector("#sq-sources .sq-abstain", timeout=30_000)
    assert "2020年政府工作报告" in page.inner_text("#sq-sources .sq-abstain")
    assert final.startswith("⚠️") and "原因：语料库中没有2020年政府工作报告" in final


def choose(page, control: str, option: str) -> None:
    """Pick an option of a Gradio dropdown (its options are ARIA options named by their labels)."""
    page.locator(f"{control} input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(300)


def test_a_refusal_names_the_filter_and_filters_clear(page) -> None:
    page.get_by_role("tab", name="问答").click()
    page.get_by_text("筛选（文档、体裁、讲话人、年份）").click()
    choose(page, "#sq-f-from", "2019")
    choose(page, "#sq-f-to", "2019")
    final = ask(page, "2018年政府工作报告提出的国内生产总值增长预期目标是多少？")
    assert final.startswith("⚠️") and "问题所问的《2018年国务院政府工作报告》不在当前筛选范围内" in final
    assert "问题提到2018年，但当前筛选不包含这一年份的文件" in final
    assert "年份：2019–2019" in final and "清除筛选" in final
    page.screenshot(path=str(ARTIFACTS / "refusal.png"), full_page=True)
    choose(page, "#sq-f-from", "不限")  # one filter undone by its own control
    assert page.locator("#sq-f-from input").input_value() == "不限"
    page.click("#sq-f-clear")  # and all of them at once
    page.wait_for_timeout(500)
    assert page.locator("#sq-f-to input").input_value() == "不限"


def upload(page, files: list[Path]) -> str:
    page.get_by_role("tab", name="文库").click()
    page.set_input_files("#sq-upload input[type=file]", [str(f) for f in files])
    page.wait_for_timeout(1500)
    page.click("#sq-ingest")
    page.wait_for_function(  # this import's summary, not the one a previous import left
        "() => document.querySelector('#sq-ingest-log')?.innerText.includes('正在导入')", timeout=30_000
    )
    page.wait_for_function(
        "() => document.querySelector('#sq-ingest-log')?.innerText.includes('导入完成')", timeout=120_000
    )
    page.wait_for_function(  # the chosen files are cleared, so they are not imported twice
        "([name]) => !document.querySelector('#sq-upload')?.innerText.includes(name)", arg=[files[0].name]
    )
    return page.inner_text("#sq-ingest-log")


def open_in_library(page, query: str, title: str, text: str) -> None:
    """Search the library for a document, click its row and wait until the viewer shows text from it."""
    page.fill("#sq-lib-search textarea", query)
    page.wait_for_function(
        "([t]) => document.querySelector('#sq-lib-table')?.innerText.includes(t)", arg=[title], timeout=30_000
    )
    # the table re-renders after filtering; the last copy of the cell is the live one
    page.locator("#sq-lib-table").get_by_text(title, exact=True).last.click()
    page.wait_for_function(
        "([t]) => document.querySelector('#sq-viewer')?.innerText.includes(t)", arg=[text], timeout=30_000
    )


def test_upload_ingests_good_files_and_names_bad_ones(page, tmp_path: Path) -> None:
    good = tmp_path / "2024-05-01_upload-test.txt"
    good.write_text("在测试会议上的讲话\n\n一、总体要求\n\n今年计划植树造林一万亩。", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    sheet = tmp_path / "table.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    log = upload(page, [good, empty, sheet])
    assert "新增 1" in log
    assert "empty.txt" in log and "文件是空的" in log
    assert "table.xlsx" in log and "不支持的文件类型" in log
    open_in_library(page, "测试会议", "在测试会议上的讲话", "植树造林一万亩")
    page.screenshot(path=str(ARTIFACTS / "library.png"), full_page=True)
    page.fill("#sq-lib-search textarea", "")


def test_an_upload_is_seen_by_a_new_visitor_who_can_remove_it(browser, url, page, real_services) -> None:
    assert "在测试会议上的讲话" in page.inner_text("#sq-lib-table")  # uploaded by the test above
    visitor = open_page(browser, url)  # a new page view after the upload
    try:
        visitor.get_by_role("tab", name="文库").click()
        visitor.wait_for_function(
            "() => document.querySelector('#sq-lib-table')?.innerText.includes('在测试会议上的讲话')", timeout=30_000
        )
        visitor.get_by_text("删除文档").click()
        choose(visitor, "#sq-remove-pick", "在测试会议上的讲话（2024-05-01）")
        visitor.click("#sq-remove")
        visitor.wait_for_selector("#sq-confirm", state="visible", timeout=10_000)
        assert "确定要删除《在测试会议上的讲话》" in visitor.inner_text("#sq-confirm")
        visitor.click("#sq-confirm-remove")
        visitor.wait_for_function(
            "() => document.querySelector('#sq-ingest-log')?.innerText.includes('已删除《在测试会议上的讲话》')",
            timeout=30_000,
        )
        assert "在测试会议上的讲话" not in visitor.inner_text("#sq-lib-table")
        uploads = real_services.settings.data_dir / "uploads"
        assert not (uploads / "2024-05-01_upload-test.txt").exists()  # the uploaded copy went with it
    finally:
        visitor.close()


def test_uploaded_markup_is_shown_as_text_never_rendered(page, tmp_path: Path) -> None:
    hostile = tmp_path / "2024-05-02_markup.txt"
    hostile.write_text(
        '标记测试讲话\n\n一、<img src=x onerror="window.sqPwned=1">总体要求\n\n'
        "<script>window.sqPwned=2</script>今年计划修路十公里。\n",
        encoding="utf-8",
    )
    assert "新增 1" in upload(page, [hostile])
    open_in_library(page, "标记测试", "标记测试讲话", "今年计划修路十公里")
    assert "<img src=x" in page.inner_text("#sq-outline")  # shown as the text it is
    assert page.locator("#sq-outline img, #sq-viewer img, #sq-viewer script").count() == 0
    assert page.evaluate("window.sqPwned") is None
    page.locator("#sq-outline a").first.click()  # outline items are links to their heading
    page.wait_for_timeout(800)
    assert page.evaluate(
        "() => { const n = document.querySelector('#sq-outline a').dataset.sqHeading;"
        " const p = document.querySelector(`#sq-viewer p[data-sq-heading='${n}']`);"
        " const r = p.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    page.fill("#sq-lib-search textarea", "")


def test_the_phone_layout_puts_the_question_box_in_the_first_screen(browser, url) -> None:
    phone = open_page(browser, url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        box = phone.locator("#sq-question textarea").bounding_box()
        send = phone.locator("#sq-send").bounding_box()
        assert box and send and box["width"] >= 280 and send["y"] + send["height"] <= 844
        chat, sources = phone.locator("#sq-chat").bounding_box(), phone.locator("#sq-sources").bounding_box()
        assert chat and sources and chat["y"] < sources["y"]  # the answer first, its sources below
        phone.screenshot(path=str(ARTIFACTS / "phone.png"))
    finally:
        phone.close()


def test_an_english_browser_gets_the_chinese_interface(browser, url) -> None:
    english = open_page(browser, url, locale="en-US")
    try:
        assert english.get_by_role("textbox", name="问题").count() == 1  # the question box has a name
        english.get_by_role("tab", name="文库").click()
        english.wait_for_function(
            "() => document.querySelector('#sq-upload')?.innerText.includes('点击上传')", timeout=30_000
        )
        assert "Drop File Here" not in english.inner_text("body")
    finally:
        english.close()


def test_a_runaway_generation_is_cut_at_its_limit_and_can_be_stopped(browser, runaway_url) -> None:
    page = open_page(browser, runaway_url)
    try:
        started = time.monotonic()
        final = ask(page, QUESTION, timeout_ms=60_000)
        assert time.monotonic() - started < 30  # cut after 4 s of writing, not left to run
        assert final.startswith("⚠️") and "模型写了4秒仍未写完，草稿已被截断" in final
        page.fill("#sq-question textarea", QUESTION)
        page.click("#sq-send")
        page.wait_for_function(  # the model is writing: progress counts its characters
            "() => document.querySelector('#sq-chat')?.innerText.includes('已写')", timeout=30_000
        )
        page.click("#sq-stop")
        page.wait_for_function(
            "() => document.querySelector('#sq-chat')?.innerText.includes('（已停止，未作答。）')", timeout=10_000
        )
        assert "已停止" in page.inner_text("#sq-status")
    finally:
        page.close()


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
