"""The book as a student sees it: headless Chromium opens the front page and a lesson page.

Asserts that every image has loaded (natural width > 0) and that the navigation links (the top
bar, previous/next, the front page's lesson list) lead to pages that exist, and saves screenshots
to ``$SCRATCHAE_SCREENSHOTS`` (default: a temporary folder). Needs Debian's ``chromium`` and
``chromium-driver`` and the ``selenium`` package (docs extra); skipped with the reason otherwise.
"""
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from _bookbuild import LESSON_PAGES, built_book, missing_docs_packages

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM or not CHROMEDRIVER,
                       reason="headless Chromium is absent (apt-get install chromium "
                              "chromium-driver)"),
    pytest.mark.skipif(bool(missing_docs_packages()),
                       reason="the docs extra is not installed (pip install -e \".[docs]\")"),
]


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="scratchae-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,1600",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("SCRATCHAE_SCREENSHOTS") or tempfile.mkdtemp(prefix="book-shots-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(driver, path):
    driver.get(path.resolve().as_uri())
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight);")  # load lazy images
    driver.execute_script("window.scrollTo(0, 0);")
    assert "404" not in driver.title


def images_loaded(driver):
    """[(src, naturalWidth)] of every <img> on the page, after waiting for them to finish."""
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const imgs = Array.from(document.images);
        Promise.all(imgs.map(i => i.complete ? null :
            new Promise(r => { i.onload = r; i.onerror = r; }))).then(() => done());
    """)
    return driver.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.naturalWidth]);")


def local_link_targets(driver, css):
    """Files that the links matched by ``css`` point at (local links only, anchors dropped)."""
    from selenium.webdriver.common.by import By

    targets = []
    for a in driver.find_elements(By.CSS_SELECTOR, css):
        href = a.get_attribute("href")          # absolute file:// URL, as the browser resolved it
        if href and href.startswith("file://"):
            targets.append(Path(unquote(urlparse(href).path)))
    return targets


def test_front_page_images_and_links(browser, shots):
    book = built_book()
    open_page(browser, book / "index.html")
    for src, width in images_loaded(browser):
        assert width > 0, f"front page: image {src} did not load"
    lesson_links = local_link_targets(browser, "article a.reference.internal")
    for name in LESSON_PAGES:
        assert book / "lessons" / f"{name}.html" in lesson_links, f"no link to {name}"
    nav = local_link_targets(browser, "nav a.nav-link, article a.reference.internal")
    assert len(nav) >= len(LESSON_PAGES) + 3
    for target in nav:
        assert target.is_file(), f"front page links to missing {target}"
    browser.save_screenshot(str(shots / "front_page.png"))
    assert (shots / "front_page.png").stat().st_size > 10_000


def test_lesson_page_images_links_and_output(browser, shots):
    from selenium.webdriver.common.by import By

    book = built_book()
    name = LESSON_PAGES[0]
    open_page(browser, book / "lessons" / f"{name}.html")
    images = images_loaded(browser)
    figures = [(src, w) for src, w in images if f"sphx_glr_{name}_" in src]
    assert figures, "the lesson's figure is not on the page"
    for src, width in images:
        assert width > 0, f"{name}: image {src} did not load"
    # the printed output, checks included, is visible text on the page
    outputs = browser.find_elements(By.CSS_SELECTOR, "div.sphx-glr-script-out")
    assert any("[check ok]" in o.text for o in outputs)
    # previous/next and the top bar lead to existing pages; next is lesson 02
    prev_next = local_link_targets(browser, "a.left-prev, a.right-next")
    assert book / "lessons" / f"{LESSON_PAGES[1]}.html" in prev_next
    for target in prev_next + local_link_targets(browser, "nav a.nav-link"):
        assert target.is_file(), f"{name} links to missing {target}"
    downloads = local_link_targets(browser, "a.reference.download")
    assert {p.suffix for p in downloads} >= {".py", ".ipynb"}
    assert all(p.is_file() for p in downloads)
    browser.save_screenshot(str(shots / f"lesson_{name}.png"))
    # the figure, scrolled into view, as a student meets it
    img = browser.find_element(By.CSS_SELECTOR, f"img[src*='sphx_glr_{name}_001']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", img)
    browser.save_screenshot(str(shots / f"lesson_{name}_figure.png"))
    assert (shots / f"lesson_{name}.png").stat().st_size > 10_000
