"""The 申报初审 page: saved batches (everyone reads), uploads and decisions (analysts only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html

import pandas as pd
import streamlit as st

from labstudio import db, store
from labstudio.kpis import Card
from labstudio.labels import label
from labstudio.screening import ScreeningOutcome, records, screen_files
from labstudio.screening import rules as R
from labstudio.ui import charts_ui, components, data, importing, signin
from labstudio.views import applications as view_model

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "applications"
VERDICT_CLASS = {R.MEETS: "meets", R.CHECK: "check", R.FAILS: "fails"}
VERDICT_ICON = {R.MEETS: "✓", R.CHECK: "?", R.FAILS: "✗"}
MARK_CLASS = {R.COUNTS: "meets", R.PERSON: "check", R.NO: "fails"}
COLON = {"zh": "：", "en": ": "}

# The checklist's own look: a verdict colour per rule (with its sign, not colour alone) and the
# evidence marked in the applicant's words.
CHECKLIST_CSS = """<style>
.ls-rule { border: 1px solid #d5dae1; border-left-width: 6px; border-radius: 6px;
           padding: 0.6rem 0.9rem; margin: 0 0 0.7rem 0; background: #fff; }
.ls-rule.meets { border-left-color: #009E73; }
.ls-rule.check { border-left-color: #E69F00; }
.ls-rule.fails { border-left-color: #D55E00; }
.ls-rule.minor { opacity: 0.92; }
.ls-head { font-size: 1rem; margin-bottom: 0.25rem; }
.ls-badge { display: inline-block; min-width: 7.5em; font-weight: 600; padding: 0 0.5em;
            border-radius: 4px; margin-right: 0.6em; text-align: center; }
.ls-badge.meets { background: #009E73; color: #fff; }
.ls-badge.check { background: #E69F00; color: #1b1f24; }
.ls-badge.fails { background: #D55E00; color: #fff; }
.ls-note { color: #1b1f24; margin: 0.2rem 0 0.4rem 0; line-height: 1.55; }
.ls-cell { margin-top: 0.35rem; }
.ls-label { color: #5a6370; font-size: 0.85rem; }
.ls-text { white-space: pre-wrap; line-height: 1.7; background: #f6f7f9; border-radius: 4px;
           padding: 0.3rem 0.55rem; }
.ls-text mark { padding: 0.05em 0.15em; border-radius: 3px; color: #1b1f24; }
.ls-text mark.meets { background: #bfe8da; border-bottom: 2px solid #009E73; }
.ls-text mark.check { background: #fde3b0; border-bottom: 2px solid #E69F00; }
.ls-text mark.fails { background: #f7cdbd; border-bottom: 2px dashed #D55E00; }
.ls-legend { color: #5a6370; font-size: 0.85rem; }
.ls-legend mark { padding: 0 0.3em; border-radius: 3px; color: #1b1f24; }
.ls-legend mark.meets { background: #bfe8da; } .ls-legend mark.check { background: #fde3b0; }
.ls-legend mark.fails { background: #f7cdbd; }
</style>"""


def _connection():
    return db.connection(db.default_db_path())


def _e(text: object) -> str:
    """Text from a file is data: escaped, never markup."""
    return html.escape(str(text))


def _checklist_html(item: dict, lang: str) -> str:
    parts = []
    for rule in item["rules"]:
        verdict = VERDICT_CLASS[rule["verdict"]]
        cells = []
        for cell in rule["cells"]:
            if cell["empty"]:
                body = f'<span class="ls-label">{_e(label("a.cell_empty", lang))}</span>'
            else:
                body = "".join(
                    f'<mark class="{MARK_CLASS[mark]}">{_e(text)}</mark>' if mark else _e(text)
                    for text, mark in cell["segments"]
                )
            cells.append(
                f'<div class="ls-cell"><div class="ls-label">{_e(cell["label"])}</div>'
                f'<div class="ls-text">{body}</div></div>'
            )
        minor = "" if rule["decisive"] else " minor"
        extra = "" if rule["decisive"] else f"（{_e(label('a.not_decisive', lang))}）"
        parts.append(
            f'<div class="ls-rule {verdict}{minor}">'
            f'<div class="ls-head"><span class="ls-badge {verdict}">'
            f"{VERDICT_ICON[rule['verdict']]} {_e(rule['verdict_label'])}</span>"
            f"<b>{_e(rule['section'])} {_e(rule['name'])}</b>{extra}</div>"
            f'<div class="ls-note">{_e(rule["note"])}</div>{"".join(cells)}</div>'
        )
    legend = (
        f'<div class="ls-legend">{_e(label("a.legend", lang))}'
        f' <mark class="meets">{_e(label("a.mark.meets", lang))}</mark>'
        f' <mark class="check">{_e(label("a.mark.check", lang))}</mark>'
        f' <mark class="fails">{_e(label("a.mark.fails", lang))}</mark></div>'
    )
    return CHECKLIST_CSS + legend + "".join(parts)


def _cards(view, lang: str) -> None:
    f = view.figures
    # Three cards fit a row beside the sidebar at 1024 pixels; the total goes in the heading.
    section = label("a.cards", lang, total=f["total"])
    cards = [
        Card(section, label(f"a.card.{VERDICT_CLASS[v]}", lang), str(f[v])) for v in R.VERDICTS
    ]
    components.kpi_cards(cards, columns=3)
    st.caption(
        label(
            "a.decided",
            lang,
            recommended=f[records.RECOMMENDED],
            confirmed=f[records.CONFIRMED],
            declined=f[records.DECLINED],
        )
    )


def _decisions(application: dict, lang: str) -> None:
    """The decisions so far and, for analysts, the next one (or undoing the last)."""
    application_id = application["application_id"]
    done = records.decisions_of(data.cursor(), application_id)
    st.markdown(f"**{label('a.decisions', lang)}**")
    if done:
        shown = pd.DataFrame(
            {
                label("a.col.decision", lang): [d["decision"] for d in done],
                label("a.col.by", lang): [d["decided_by"] or "" for d in done],
                label("a.col.at", lang): [str(d["decided_at"])[:16] for d in done],
                label("a.col.note", lang): [d["note"] or "" for d in done],
            }
        )
        charts_ui.short_list(shown, lang)
    else:
        st.caption(label("a.no_decision", lang))
    user = signin.analyst()
    if not user:
        st.caption(label("a.viewer", lang))
        return
    allowed = records.allowed_decisions(done)
    if allowed:
        with st.form(f"decide_{application_id}", border=True):
            choice = st.radio(
                label("a.decide", lang), allowed, horizontal=True, key=f"decision_{application_id}"
            )
            note = st.text_area(
                label("a.note", lang), key=f"note_{application_id}", help=label("a.note_help", lang)
            )
            batch = None
            if application["batch"] is None:
                batch = st.number_input(
                    label("a.batch_needed", lang), min_value=1, max_value=50, step=1, value=None
                )
            if st.form_submit_button(
                label("a.record", lang),
                type="primary",
                icon=":material/gavel:",
                key=f"record_{application_id}",
            ):
                try:
                    entry = records.decide(
                        _connection(),
                        application_id,
                        choice,
                        note=note,
                        user_name=user,
                        batch=batch,
                        client=signin.client(),
                    )
                except records.RecordError as exc:
                    st.error(str(exc), icon=":material/error:")
                else:
                    data.clear()
                    st.session_state["applications_done"] = label(
                        "a.recorded", lang, decision=choice, id=entry
                    )
                    st.rerun()
    if done and st.button(
        label("a.undo", lang, decision=done[-1]["decision"]),
        icon=":material/undo:",
        key=f"undo_{application_id}",
    ):
        try:
            with db.write(_connection()) as cur:
                store.rollback(cur, int(done[-1]["import_id"]), user_name=user)
        except (store.RollbackRefused, store.RollbackError) as exc:
            st.error(str(exc), icon=":material/error:")
        else:
            data.clear()
            st.session_state["applications_done"] = label(
                "a.undone", lang, decision=done[-1]["decision"]
            )
            st.rerun()


def _batch(applications: list[dict], lang: str, page: str, *, saved: bool) -> None:
    view = view_model.batch_page(applications, lang)
    _cards(view, lang)
    charts_ui.panels(view.panels, lang, page)
    st.subheader(label("a.checklist", lang), anchor=False)
    keys = view.extra["keys"]
    choices = view.extra["choices"]
    chosen = st.selectbox(
        label("a.pick", lang), keys, format_func=lambda k: choices[k], key=f"{page}_pick"
    )
    application = next(a for a in applications if view_model.key_of(a) == chosen)
    item = view_model.checklist(application, lang)
    with st.container(border=True):
        st.markdown(f"### {VERDICT_ICON[item['verdict']]} {_e(item['title'])}")
        st.markdown(
            label("a.overall", lang, verdict=item["verdict_label"])
            + "  \n"
            + "  \n".join(
                f"{name}{COLON[lang]}{charts_ui._markdown_safe(value)}"
                for name, value in item["facts"]
            )
        )
        st.html(_checklist_html(item, lang))
        st.markdown(f"**{label('a.for_the_reviewer', lang)}**")
        st.markdown(
            "\n".join(f"- {charts_ui._markdown_safe(line)}" for line in item["for_the_reviewer"])
        )
        if saved:
            _decisions(application, lang)


def _saved_tab(lang: str) -> None:
    cur = data.cursor()
    batches = records.batches(cur)
    if not batches:
        st.info(label("a.nothing_saved", lang), icon=":material/inbox:")
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        batch = st.selectbox(
            label("a.batch_select", lang),
            batches,
            format_func=lambda b: _batch_name(b, lang),
            key="applications_batch",
        )
        applications = view_model.saved(cur, batch)
        st.download_button(
            label("a.export", lang),
            lambda: view_model.batch_workbook(applications),
            file_name=f"附件2汇总表_{_batch_name(batch, 'zh')}_初审意见.xlsx",
            mime=XLSX,
            icon=":material/download:",
            on_click="ignore",
            key="applications_export",
            help=label("a.export_help", lang),
        )
    dates = sorted({str(a["applied_on"])[:10] for a in applications})
    st.caption(label("a.applied_on", lang, dates="、".join(dates)))
    _batch(applications, lang, PAGE, saved=True)


def _batch_name(batch: int | None, lang: str) -> str:
    from labstudio import labels

    return labels.batch(batch, lang)


def _screened(
    uploads: list[tuple[str, bytes]], applied_on: dt.date, batch: int | None
) -> ScreeningOutcome:
    digest = hashlib.sha256(f"{applied_on}|{batch}".encode())
    for name, content in uploads:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(content).digest())
    key = "screen_" + digest.hexdigest()
    if key not in st.session_state:
        for old in [k for k in st.session_state if str(k).startswith("screen_")]:
            del st.session_state[old]
        st.session_state[key] = screen_files(
            _connection(), uploads, applied_on=applied_on, batch=batch
        )
    return st.session_state[key]


def _messages(outcome: ScreeningOutcome, lang: str) -> None:
    for severity, messages, show, icon in (
        ("errors", outcome.errors, st.error, ":material/error:"),
        ("warnings", outcome.warnings, st.warning, ":material/warning:"),
    ):
        if not messages:
            continue
        show(label(f"a.has_{severity}", lang, count=len(messages)), icon=icon)
        # The import page's list: whole and wrapped, the rest one click away.
        importing._messages(messages, lang, f"applications_{severity}")


def _upload_tab(lang: str) -> None:
    user = signin.analyst()
    if not user:
        st.info(label("a.signin", lang), icon=":material/lock:")
        return
    files = st.file_uploader(
        label("a.drop", lang),
        type=["xlsx", "xlsm", "xls", "csv"],
        accept_multiple_files=True,
        key="applications_files",
        help=label("a.drop_help", lang),
    )
    with st.container(horizontal=True):
        applied_on = st.date_input(
            label("a.applied_on_input", lang),
            value=dt.date.today(),
            key="applications_date",
            help=label("a.applied_on_help", lang),
        )
        batch = st.number_input(
            label("a.batch_input", lang),
            min_value=1,
            max_value=50,
            step=1,
            value=None,
            key="applications_batch_input",
            help=label("a.batch_help", lang),
        )
    if not files:
        st.caption(label("a.nothing_yet", lang))
        return
    uploads = [(f.name, f.getvalue()) for f in files]
    with st.spinner(label("a.screening", lang)):
        outcome = _screened(uploads, applied_on, int(batch) if batch else None)
    st.caption(_window(outcome.applied_on))
    _messages(outcome, lang)
    if outcome.applications:
        _batch(view_model.unsaved(outcome), lang, "applications_upload", saved=False)
    if st.button(
        label("a.save", lang),
        type="primary",
        disabled=bool(outcome.errors) or not outcome.applications,
        icon=":material/save:",
        key="applications_save",
    ):
        try:
            entry = records.save(_connection(), outcome, user_name=user, client=signin.client())
        except records.RecordError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        for key in [k for k in st.session_state if str(k).startswith("screen_")]:
            del st.session_state[key]
        data.clear()
        st.session_state["applications_done"] = label(
            "a.saved", lang, id=entry, count=len(outcome.applications)
        )
        st.rerun()


def _window(applied_on: dt.date) -> str:
    from labstudio.screening.check import window_text

    return window_text(applied_on)


def _rules_tab(lang: str) -> None:
    st.caption(label("a.rules_help", lang))
    table = pd.DataFrame(R.rules_table())
    charts_ui.short_list(table, lang)
    st.markdown(f"**{label('a.levels', lang)}**")
    charts_ui.short_list(pd.DataFrame(R.levels_table()), lang)


def render(lang: str) -> None:
    if (done := st.session_state.pop("applications_done", None)) is not None:
        st.success(done, icon=":material/check_circle:")
    saved, upload, rule_tab = st.tabs(
        [label("a.tab.saved", lang), label("a.tab.upload", lang), label("a.tab.rules", lang)]
    )
    with saved:
        _saved_tab(lang)
    with upload:
        _upload_tab(lang)
    with rule_tab:
        _rules_tab(lang)
