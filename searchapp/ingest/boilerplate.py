"""Page chrome: the tables that tell article text from the page around it.

Every reader cleans its text line by line with the same three tables:

* :data:`CHROME_LINES` / :data:`CHROME_PATTERNS`: a line that is page furniture wherever it
  stands (share buttons, breadcrumbs, subscription blurbs, the WeChat UI); it is dropped.
* :data:`END_MARKERS`: a line after which nothing belongs to the article any more (editor
  line, related-article lists, reaction widgets, comment forms); it and all that follows go.
* :data:`SITE_FINGERPRINTS` / :data:`PLATFORM_STATEMENT_RE`: clues anywhere in a page that
  name the outlet whose copy it is.

Add a phrase here when a new site shows a new kind of chrome; readers stay unchanged.
"""

from __future__ import annotations

import re
import unicodedata

#: Whole lines (after stripping) that are UI text: WeChat's reader UI, share buttons, feeds.
CHROME_LINES = frozenset(
    {
        # WeChat article UI
        "在小说阅读器中沉浸阅读", "阅读原文", "微信扫一扫", "关注该公众号", "继续滑动看下一个",
        "轻触阅读原文", "向上滑动看下一个", "知道了", "使用小程序", "取消", "允许", "分析",
        "视频", "小程序", "赞", "在看", "分享", "留言", "收藏", "听过", "使用完整服务",
        "微信扫一扫可打开此内容，", "，轻点两下取消赞", "，轻点两下取消在看",
        # share buttons and list widgets of news sites
        "点击右上角微信好友", "朋友圈", "请使用浏览器分享功能进行分享", "加载更多",
        # WeChat's verification wall: a crawl that got no article ("环境异常" shells)
        "环境异常", "当前环境异常，完成验证后即可继续访问。", "去验证",
        # placeholders of a transcript scraper that found no page
        "TITLE NOTFOUND", "CONTENT NOTFOUND",
        "该内容已被发布者删除", "此内容因违规无法查看", "此内容被多人投诉，相关的内容无法进行查看。",
        # site chrome of web pages converted to markdown (安全客, FreeBuf, 4hou, unSafe.sh)
        "译文声明", "本文是翻译文章", "黑夜模式", "收藏", "收藏*", "展开更多", "关 注",
        # tv.cctv.com 2022 pages: the label above the article
        "主要内容",
    }
)

#: Line patterns for chrome whose wording varies (each matched with ``re.search``).
CHROME_PATTERNS = (
    re.compile(r"^(扫码订阅|邮发代号|征订热线|欢迎关注|点击下图|点击上方|长按识别)"),  # WeChat blurbs
    re.compile(r"倾力推荐$"),
    re.compile(r"^正在阅读[:：]"),  # "now reading: <title>" bar above news pages
    re.compile(r"^原标题[:：]"),  # Sina's repeat of the headline
    re.compile(r"^首页\s*[>＞]|^\S{1,12}(\s*[>＞]\s*\S{1,12}){2,}$"),  # breadcrumbs: 首页> 法治频道> 正文
    # web-page furniture around an article: view counters, bare timestamps and numbers,
    # close buttons, translation notices, "Author:" and "所属地" badges
    re.compile(r"^阅读量\s*[:：]?\s*\d+$|^本文已被查看\s*\d+\s*次$"),
    re.compile(r"^\*?\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{1,2}(:\d{1,2})?$|^\d+$|^[xX×]$"),
    re.compile(r"扫码关注我们$|^打开微信扫一扫后点击右上角即可分享"),
    re.compile(r"^发布时间\s*[:：]\s*\d{4}-\d{1,2}-\d{1,2}[\s\d:]*$"),
    re.compile(r"^译文仅供参考|^所属地\s|^Author:\s"),
)

#: Lines that close the article: the line and everything after it are dropped.
END_MARKERS = (
    re.compile(r"^\[?\s*(责编|责任编辑)[:：]"),  # [ 责编:… ] / 责任编辑：…
    re.compile(r"^编辑[:：]\s*\S{1,10}\s+责任编辑[:：]"),  # tv.cctv.com: 编辑：刘珊 责任编辑：刘亮
    re.compile(r"^阅读剩余全文"),
    re.compile(r"^(相关阅读|相关推荐|相关新闻|相关文章|推荐阅读|延伸阅读|猜你喜欢)$"),
    re.compile(r"^您此时的心情"),  # reaction widget (开心/难过/点赞…)
    re.compile(r"^平台声明[:：]"),  # content-farm disclaimer
    re.compile(r"^(上一篇|下一篇)"),  # post navigation
    re.compile(r"^(发表回复|发表评论)$|您的邮箱地址不会被公开"),  # comment forms
    re.compile(r"^联系我们$"),
    re.compile(r"^预览时标签不可点$"),  # first line of the WeChat UI tail
    re.compile(r"^(往期推荐|往期回顾|精彩推荐|热门推荐|热门文章|最新文章|相关热文|优质文章|文章目录|TA的文章)$"),
    re.compile(r"^本文翻译自|^本文由\S{1,20}原创发布|^商务合作[，,:：]|^如有侵权请联系"),
    re.compile(r"^本站提到的所有注册商标|^Copyright\s*©|^©\s|^本站4hou\.com|^本站由阿里云"),
    re.compile(r"^請加入成為眾新聞的月費訂戶|^请加入成为众新闻的月费订户"),  # Citizen News footer
    re.compile(r"^感谢您的支持，我会继续努力的"),  # 4hou's tip box under the article
    re.compile(r"^\+\s*加入我的收藏|^文章来源[:：]\s*https?://|^分享到[:：]?$"),
)

#: Substrings that identify an outlet's page template -> that outlet's name.
SITE_FINGERPRINTS = {
    "光明云投": "光明网",  # guangming.com.cn's reaction widget
}

#: "…，<name>仅提供信息存储空间服务" in a 平台声明 names the hosting site.
PLATFORM_STATEMENT_RE = re.compile(r"[,，、]\s*(?P<name>[^,，。:：\s]{2,20})仅提供信息存储空间服务")

#: "转载请注明出处:URL" (and the common typo 转转) gives the URL of the copy.
REPRINT_URL_RE = re.compile(r"转[载转]请注明出处[:：]\s*(?P<url>https?://[^\s，。]+)")

#: Substrings only the body of a WeChat article export contains (its image CDN, its UI).
WECHAT_FINGERPRINTS = ("mmbiz.qpic.cn", "轻点两下取消赞")

#: A WeChat article's own URL (front matter ``url``).
WECHAT_URL_RE = re.compile(r"^https?://mp\.weixin\.qq\.com/")

#: The badge WeChat shows before an original article's author and account names.
ORIGINAL_BADGE = "原创"

#: Host names (and their parent domains) -> the outlet's name, for documents whose URL is
#: the only clue to the outlet (Citizen News archives, tv.cctv.com pages).
HOST_SOURCES = {
    "hkcnews.com": "眾新聞",
    "cctv.com": "央视网",
    "news.cn": "新华网",
    "xinhuanet.com": "新华网",
    "people.com.cn": "人民网",
    "chinanews.com.cn": "中国新闻网",
    "thepaper.cn": "澎湃新闻",
    "sina.com.cn": "新浪",
    "gmw.cn": "光明网",
}

#: Page variables that hold a page's own address when it has no canonical link:
#: tv.cctv.com item pages (``var commentUrl = "https://tv.cctv.com/…shtml";``).
PAGE_URL_RES = (re.compile(r"""var\s+commentUrl\s*=\s*["'](?P<url>https?://[^"']+)["']"""),)
#: A tv.cctv.com page id (``<meta name="contentid" content="VIDE…220703">``) ends with the
#: page's day (YYMMDD), from which its address follows when no variable holds it.
CCTV_CONTENT_ID_RE = re.compile(
    r"""<meta\s+name=["']contentid["']\s+content=["'](?P<id>VIDE\w+?(?P<yy>\d\d)(?P<mm>\d\d)(?P<dd>\d\d))["']"""
)

#: Separators between a feed's name and its tagline: "安全客-有思想的安全新媒体".
FEED_TAGLINE_RE = re.compile(r"\s*(?:\s[-–—|]\s|[–—]|(?<=[\u4e00-\u9fff])-)\s*")

#: CSS classes of HTML containers that hold chrome (Sina's QR box and editor line).
CHROME_CLASS_RE = re.compile(r"^(appendQr_|article-editor$)")


def is_chrome(line: str) -> bool:
    """Tell whether a stripped line is page chrome.

    >>> is_chrome("阅读原文"), is_chrome("，"), is_chrome("首页> 法治频道> 正文")
    (True, True, True)
    """
    if line in CHROME_LINES or _is_punctuation(line):
        return True
    return any(pattern.search(line) for pattern in CHROME_PATTERNS)


def is_end_marker(line: str) -> bool:
    """Tell whether a stripped line marks the end of the article (see :data:`END_MARKERS`)."""
    return any(pattern.search(line) for pattern in END_MARKERS)


def site_source(text: str) -> str:
    """Name the outlet whose page this is, from fingerprints anywhere in the raw text.

    :return: the outlet's name, or ``""`` when no fingerprint or platform statement is found.
    """
    for fingerprint, name in SITE_FINGERPRINTS.items():
        if fingerprint in text:
            return name
    match = PLATFORM_STATEMENT_RE.search(text)
    return match["name"] if match else ""


def reprint_url(text: str) -> str:
    """Return the URL of a "转载请注明出处:URL" line, or ``""``."""
    match = REPRINT_URL_RE.search(text)
    return match["url"] if match else ""


def host_source(url: str) -> str:
    """Name the outlet of a URL from :data:`HOST_SOURCES` (sub-domains included).

    >>> host_source("https://tv.cctv.com/2022/01/10/VIDE1.shtml")
    '央视网'

    :return: the outlet's name, or ``""`` for an unknown or malformed URL.
    """
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""
    while host:
        if host in HOST_SOURCES:
            return HOST_SOURCES[host]
        host = host.partition(".")[2]
    return ""


def page_url(html: str) -> str:
    """Return a page's own address from a page variable (:data:`PAGE_URL_RES`) or, on
    tv.cctv.com, from the page id (:data:`CCTV_CONTENT_ID_RE`); ``""`` when neither."""
    for pattern in PAGE_URL_RES:
        match = pattern.search(html)
        if match:
            return match["url"]
    content = CCTV_CONTENT_ID_RE.search(html)
    if content:
        return (
            f"https://tv.cctv.com/20{content['yy']}/{content['mm']}/{content['dd']}/"
            f"{content['id']}.shtml"
        )
    return ""


def feed_site_name(feed: str) -> str:
    """Drop a feed title's tagline, keeping the site's name.

    >>> feed_site_name("奇客Solidot–传递最新科技情报"), feed_site_name("unSafe.sh - 不安全")
    ('奇客Solidot', 'unSafe.sh')
    """
    return FEED_TAGLINE_RE.split(feed.strip(), maxsplit=1)[0].strip() or feed.strip()


def _is_punctuation(line: str) -> bool:
    """Tell whether a non-empty line holds only punctuation and symbols (``，``, ``×``)."""
    return bool(line) and all(unicodedata.category(ch)[0] in "PSZ" for ch in line)


def is_data_table(text: str) -> bool:
    """Tell whether a file is a tab-separated data table (a manifest or export), not prose.

    True when at least 80% of the non-empty lines, and at least 3 of them, hold two or more
    tabs.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    rows = sum(1 for line in lines if line.count("\t") >= 2)
    return rows >= 3 and rows >= 0.8 * len(lines)
