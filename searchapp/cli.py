"""The ``searchapp`` command: index press releases, search them, serve the web page.

Every command reads the index folder from ``--index``, else ``$SEARCHAPP_INDEX``, else
``index/``. Commands stay thin: they parse options, call the library and print.
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import click
from markupsafe import Markup

DEFAULT_SEEDS_DIR = "seeds"

index_option = click.option(
    "--index",
    "index_dir",
    default="index",
    show_default=True,
    envvar="SEARCHAPP_INDEX",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index folder (also $SEARCHAPP_INDEX).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Search Chinese policing press releases: index files, search, serve the web page."""


@cli.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@index_option
@click.option("--rebuild", is_flag=True, help="Start over instead of updating the index.")
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    help="Seconds to wait for another index run on the same folder to finish.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    envvar="SEARCHAPP_INDEX_PROCESSES",
    help="Writer processes for large runs (default: one per core; also "
    "$SEARCHAPP_INDEX_PROCESSES). Runs of fewer than 400 files use one.",
)
@click.option(
    "--userdict",
    "userdict",
    type=click.Path(path_type=Path),
    default=None,
    envvar="SEARCHAPP_USERDICT",
    help="Extra jieba user dictionary (`word [freq] [tag]` lines, UTF-8), loaded on top of "
    "the bundled one and recorded in the index (also $SEARCHAPP_USERDICT). An update keeps "
    "the index's; changing it needs --rebuild.",
)
def index_command(
    paths: tuple[Path, ...], index_dir: Path, rebuild: bool, wait_s: float, quiet: bool,
    processes: int | None, userdict: Path | None,
):
    """Index press-release files and folders (default: seeds/).

    Incremental: only new and changed files are read, documents of files gone from these
    folders are removed. Searches keep working during the run; a run that fails or is
    interrupted leaves the index as it was. Files that cannot be read are listed with the
    reason and skipped.

    Example: searchapp index seeds/ ~/press-releases/
    """
    user_dictionary = _read_user_dictionary(userdict) if userdict else None
    dropped = _previous_user_dictionary(index_dir) if rebuild and not user_dictionary else None
    report = _build_index(
        list(paths) or [Path(DEFAULT_SEEDS_DIR)], index_dir, rebuild, quiet, wait_s, processes,
        user_dictionary,
    )
    click.echo(
        f"{'Built' if report.rebuilt else 'Updated'} {index_dir} in {report.seconds:.1f} s: "
        f"{report.added} files added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged; {report.documents} documents searchable"
        + (f" ({report.duplicates} exact duplicates folded in)" if report.duplicates else "")
        + "."
    )
    if report.skipped:
        click.echo(f"Skipped {len(report.skipped)} file{'s' if len(report.skipped) != 1 else ''}:")
        for reason, skipped_paths in report.skipped_by_reason().items():
            click.echo(f"  {reason} ({len(skipped_paths)}):")
            for path in skipped_paths:
                click.echo(f"    {path}")
    if report.user_dictionary.entries:
        count = len(report.user_dictionary.entries)
        click.echo(
            f"User dictionary: {count} word{'' if count == 1 else 's'} from "
            f"{report.user_dictionary.source}"
        )
    elif dropped is not None:
        click.echo(
            f"Note: built without the user dictionary of the previous index, "
            f"{dropped.describe()}; pass --userdict FILE to keep using one."
        )
    if report.warnings:
        click.echo(f"Warnings ({len(report.warnings)}):", err=True)
        for path, message in report.warnings:
            click.echo(f"  {path}: {message}", err=True)


def _read_user_dictionary(path: Path):
    """Read a user dictionary file; errors become ClickExceptions naming it."""
    from searchapp.analysis import UserDictionary
    from searchapp.analysis import UserDictionaryError

    try:
        return UserDictionary.from_file(path)
    except UserDictionaryError as exc:
        raise click.ClickException(str(exc)) from None


def _previous_user_dictionary(index_dir: Path):
    """The user dictionary of the current index, or ``None`` when it has none (or no index)."""
    from searchapp.engine.whoosh.generations import IndexNotFound
    from searchapp.engine.whoosh.generations import index_user_dictionary

    try:
        dictionary = index_user_dictionary(index_dir)
    except IndexNotFound:
        return None
    return dictionary if dictionary.entries else None


def _warn_about_another_user_dictionary(index_dir: Path) -> None:
    """Warn on stderr when ``$SEARCHAPP_USERDICT`` is not the index's user dictionary (the
    index's is what searches use)."""
    from searchapp.analysis import USERDICT_ENV
    from searchapp.analysis import UserDictionary
    from searchapp.analysis import UserDictionaryError
    from searchapp.engine.whoosh.generations import index_user_dictionary

    path = os.environ.get(USERDICT_ENV)
    if not path:
        return
    own = index_user_dictionary(index_dir)
    built = f"the user dictionary {own.describe()}" if own.entries else "no user dictionary"
    try:
        given = UserDictionary.from_file(path)
    except UserDictionaryError as exc:
        click.echo(
            f"warning: ${USERDICT_ENV} is not used: {exc}; this index was built with {built}, "
            "and searches use it",
            err=True,
        )
        return
    if given.entries != own.entries:
        click.echo(
            f"warning: ${USERDICT_ENV} is {given.describe()}, but this index was built with "
            f"{built}; searching with the index's. To use it, rebuild: "
            f"searchapp index --rebuild --userdict {path} PATH ...",
            err=True,
        )


def _build_index(
    paths: list[Path], index_dir: Path, rebuild: bool, quiet: bool, wait_s: float = 30,
    processes: int | None = None, user_dictionary=None,
):
    """Index ``paths`` into ``index_dir`` with a progress bar; errors become ClickExceptions.

    :param user_dictionary: a :class:`searchapp.analysis.UserDictionary`, or ``None`` (see
        :func:`searchapp.indexer.index_paths`).
    """
    from tqdm import tqdm

    from searchapp.indexer import IndexLocked
    from searchapp.indexer import UserDictionaryMismatch
    from searchapp.indexer import index_paths
    from searchapp.ingest import IngestError
    from searchapp.engine.whoosh.writers import WriterProcessFailed

    # disable=None: no bar when stderr is not a terminal (logs, pipes), as with --quiet.
    with tqdm(unit=" files", disable=True if quiet else None, file=sys.stderr, leave=False) as progress:
        documents = 0

        def advance(_path: Path, count: int) -> None:
            nonlocal documents
            documents += count
            progress.update()
            progress.set_postfix(documents=documents, refresh=False)

        try:
            return index_paths(
                paths, index_dir, rebuild=rebuild, on_file=advance, lock_timeout_s=wait_s,
                processes=processes, user_dictionary=user_dictionary,
            )
        except (IngestError, IndexLocked, WriterProcessFailed, UserDictionaryMismatch) as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write the index in {index_dir}: {exc}") from None


@cli.command("search")
@click.argument("query", default="")
@click.option("--year", "years", multiple=True, help="Only this year (repeatable: OR).")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--operation", "operations", multiple=True, help="Only this operation (repeatable).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date", "date_asc"]),
    default="relevance",
    show_default=True,
    help="Best match first, newest first, or oldest first.",
)
@click.option("--limit", "per_page", type=int, default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=int, default=1, show_default=True, help="Page number, from 1.")
@click.option("--title-only", is_flag=True, help="Search words in titles only.")
@click.option(
    "--no-expand", "no_expand", is_flag=True, help="No synonyms, no typo correction."
)
@click.option("--json", "as_json", is_flag=True, help="Print the same JSON as /api/search.")
@click.option("--explain", is_flag=True, help="Also print how the query was read.")
@index_option
def search_command(
    query, years, sources, operations, sort, per_page, page, title_only, no_expand, as_json,
    explain, index_dir,
):
    """Search the index and print the hits, matches emphasised.

    Query syntax: words (all required), "exact phrase", OR, NOT, -word, ( ),
    title: source: origin: operation: year:, date:2022, date:2021-01..2021-06,
    date:>=2024-03-01.

    Queries are segmented with the user dictionary the index was built with
    (searchapp index --userdict); a different $SEARCHAPP_USERDICT gets a warning.

    Example: searchapp search 断卡 --year 2022 --sort date
    """
    from searchapp.engine.whoosh.generations import IndexNotFound
    from searchapp.engine.whoosh.generations import open_index
    from searchapp.search import QueryError
    from searchapp.search import SearchRequest
    from searchapp.search import search

    try:
        request = SearchRequest(
            q=query,
            years=years,
            sources=sources,
            operations=operations,
            sort=sort,
            page=page,
            per_page=per_page,
            title_only=title_only,
            expand=not no_expand,
            explain=explain,
        )
        ix = open_index(index_dir)
        _warn_about_another_user_dictionary(index_dir)
        with ix.searcher() as searcher:
            results = search(searcher, request)
    except (QueryError, IndexNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_results(results, explain)


def _print_results(results, explain: bool) -> None:
    request = results.request
    if explain:
        click.echo(click.style(f"parsed: {results.parsed}", dim=True))
        click.echo(click.style(f"read as: {results.explain}", dim=True))
    first = (request.page - 1) * request.per_page + 1
    shown = f"{first}-{first + len(results.hits) - 1}" if results.hits else "none"
    click.echo(f"{results.total} hits ({shown} shown, {results.took_ms:.0f} ms)")
    if results.corrected:
        click.echo(f"No results for {request.q}; showing results for {results.corrected}.")
    if results.expansions:
        click.echo("Also searched: " + ", ".join(results.expansions))
    if results.suggestions:
        click.echo("Did you mean: " + ", ".join(results.suggestions))
    for hit in results.hits:
        click.echo()
        heading = f"{hit.rank}. {_terminal(hit.title_html, bold=True)}"
        click.echo(heading)
        meta = [hit.date or "日期不详", hit.source or "来源不详"]
        if hit.origin:
            meta.append(f"原发: {hit.origin}")
        if hit.operations:
            meta.append("行动: " + " ".join(hit.operations))
        click.echo("   " + " · ".join(meta))
        click.echo("   " + _terminal(hit.snippet))
        click.echo(click.style(f"   {hit.url or hit.path}  [{hit.id}]", dim=True))
    for facet, values in results.facets.items():
        if values:
            counts = ", ".join(f"{v.value} {v.count}" for v in values)
            click.echo(click.style(f"\n{facet}: {counts}", dim=True))


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal(markup: Markup, bold: bool = False) -> str:
    """Turn snippet HTML (escaped text + <mark>) into terminal text with styled matches."""
    def emphasise(match: re.Match) -> str:
        return click.style(html.unescape(match.group(1)), fg="yellow", bold=True)

    pieces = []
    cursor = 0
    for match in _MARK.finditer(str(markup)):
        pieces.append(click.style(html.unescape(str(markup)[cursor : match.start()]), bold=bold))
        pieces.append(emphasise(match))
        cursor = match.end()
    pieces.append(click.style(html.unescape(str(markup)[cursor:]), bold=bold))
    return "".join(pieces)


@cli.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of the documents, each shaped like /api/documents/<id>.")
@click.option("--lines", "line_count", default=3, show_default=True, type=int,
              help="Body lines shown at the start and at the end.")
def inspect_command(files: tuple[Path, ...], as_json: bool, line_count: int):
    """Show what the indexer extracts from each file, and why.

    Prints every field, the first and last lines of the body and the lines dropped as page
    chrome; a file that yields no document shows the reason it is skipped. Folders are read
    as by `searchapp index`. With --json: a list of the documents (body included); skipped
    files are reported on stderr.

    Example: searchapp inspect seeds/000_4ee526ae3c740427.txt --json
    """
    from searchapp.ingest import IngestError
    from searchapp.ingest import extract_file
    from searchapp.ingest import iter_files

    try:
        paths = list(iter_files(files))
    except IngestError as exc:
        raise click.ClickException(str(exc)) from None
    documents = []
    for path in paths:
        for extraction in extract_file(path):
            if as_json:
                if extraction.document:
                    documents.append(extraction.document.to_dict())
                else:
                    click.echo(f"skipped {extraction.error}", err=True)
                continue
            _print_extraction(path, extraction, line_count)
    if as_json:
        click.echo(json.dumps(documents, ensure_ascii=False, indent=2))


def _print_extraction(path: Path, extraction, line_count: int) -> None:
    """Print one extraction for a person: fields, body ends, dropped chrome."""
    document = extraction.document
    click.echo(click.style(f"== {path}", bold=True) + f"  [{extraction.format or '?'}]")
    if document is None:
        click.echo(click.style(f"   skipped: {extraction.error.reason}", fg="red"))
    else:
        for warning in extraction.warnings:
            click.echo(click.style(f"   warning: {warning}", fg="yellow"))
        fields = document.to_dict()
        body = fields.pop("body")
        for key, value in fields.items():
            if isinstance(value, list):
                value = ", ".join(map(str, value)) if value else "(none)"
            click.echo(f"   {key:<12} {value if value not in (None, '') else '(none)'}")
        paragraphs = body.split("\n\n")
        click.echo(f"   body         {len(body)} characters, {len(paragraphs)} paragraphs")
        shown = paragraphs if len(paragraphs) <= 2 * line_count else (
            paragraphs[:line_count] + ["…"] + paragraphs[-line_count:])
        for paragraph in shown:
            click.echo("   | " + (paragraph if len(paragraph) <= 120 else paragraph[:119] + "…"))
    if extraction.dropped:
        click.echo(f"   dropped as chrome: {len(extraction.dropped)} lines")
        for line in extraction.dropped[:12]:
            click.echo(click.style("   - " + (line if len(line) <= 100 else line[:99] + "…"), dim=True))
        if len(extraction.dropped) > 12:
            click.echo(click.style(f"   - … and {len(extraction.dropped) - 12} more", dim=True))
    click.echo()


@cli.command("evaluate-ingest")
@click.option("--labels", "labels_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Labels file (default: tests/labels/ingest-labels.yaml).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder the labels' paths are relative to (default: the repository).")
@click.option("--errors", "show_errors", is_flag=True, help="Also list every disagreement.")
def evaluate_ingest_command(labels_path: Path | None, root: Path | None, show_errors: bool):
    """Measure extraction against hand-written labels: precision and recall per field.

    Example: searchapp evaluate-ingest --errors
    """
    from searchapp.ingest import evaluate

    try:
        report = evaluate.evaluate(labels_path or evaluate.DEFAULT_LABELS, root)
    except evaluate.LabelsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(evaluate.format_report(report, show_errors=show_errors))


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=int, help="Worker threads.")
@index_option
def serve_command(host: str, port: int, threads: int, index_dir: Path):
    """Serve the search page and the JSON API with waitress.

    When the index folder holds no index yet, it is first built from seeds/ (with
    $SEARCHAPP_USERDICT, when set). Queries are segmented with the index's user dictionary.

    Example: searchapp serve --port 8080
    """
    from searchapp import create_app
    from searchapp.engine.whoosh.generations import IndexNotFound
    from searchapp.engine.whoosh.generations import current_generation
    from searchapp.web.server import serve

    try:
        current_generation(index_dir)
    except IndexNotFound:
        seeds = Path(DEFAULT_SEEDS_DIR)
        if not seeds.is_dir():
            raise click.ClickException(
                f"no index in {index_dir} and no {seeds}/ folder to build one from: "
                "run `searchapp index PATH` first"
            ) from None
        click.echo(f"No index in {str(index_dir).rstrip('/')}/ yet: indexing {seeds}/ first.")
        userdict = os.environ.get("SEARCHAPP_USERDICT")
        report = _build_index(
            [seeds], index_dir, rebuild=False, quiet=True,
            user_dictionary=_read_user_dictionary(Path(userdict)) if userdict else None,
        )
        click.echo(f"Indexed {report.documents} documents.")
    app = create_app({"INDEX_DIR": str(index_dir)})
    from searchapp.analysis import warm_up

    # So that the first request is no slower than the others: jieba's dictionary, OpenCC,
    # the templates and the code paths of a search, loaded before the port opens.
    warm_up()
    with app.test_client() as client:
        for path in ("/?q=诈骗", "/api/search?q=诈骗"):
            client.get(path)
    _warn_about_another_user_dictionary(index_dir)
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    # waitress, also answering URLs with raw UTF-8 bytes (curl '…?q=断卡'): searchapp.web.server
    serve(app, host=host, port=port, threads=threads, ident="searchapp")


if __name__ == "__main__":
    cli()
