"""Every user-facing string of the app, in Chinese (the default) and English (?lang=en).

Domain values stored in the database (types, grades, grounds, categories) are Chinese data; the
`value()` function gives their English names for display only.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # App and navigation
    "app.title": ("创新工作室数据看板", "Innovation Studios Dashboard"),
    "app.org": ("青岛市卫生健康委员会", "Qingdao Municipal Health Commission"),
    "app.subtitle": (
        "劳动模范（领军人才）创新工作室",
        "Model-worker (leading talent) innovation studios",
    ),
    "page.overview": ("总览", "Overview"),
    "page.types": ("类型分布", "Types"),
    "page.assessments": ("年度考核", "Assessments"),
    "page.revocations": ("称号撤销", "Revocations"),
    "page.funds": ("经费使用", "Funds"),
    "page.studios": ("工作室档案", "Studios"),
    "page.import": ("数据导入", "Import"),
    "page.meeting": ("会议投屏", "Meeting mode"),
    "help.overview": (
        "主要数字一览：在管与撤销的工作室、当年考核结果、经费拨付与支出，随筛选条件变化。",
        "Headline figures: active and revoked studios, this year's results, funds; follows the filters.",
    ),
    "help.types": (
        "按类型、批次、单位看工作室分布。",
        "Studios by type, batch and unit.",
    ),
    "help.assessments": (
        "年度考核的等次与分数分布、历年趋势、不合格名单。",
        "Grades and scores by year, the trend, the failed list.",
    ),
    "help.revocations": (
        "按四种撤销情形、年份、单位看称号撤销，以及应撤未撤的名单。",
        "Revocations by ground, year and unit; failed but not yet revoked.",
    ),
    "help.funds": (
        "经费拨付与支出、允许用途、不允许的支出和超支工作室。",
        "Grants and spending, allowed uses, disallowed spending, studios over budget.",
    ),
    "help.studios": (
        "可检索的工作室名录与单个工作室档案。",
        "A searchable directory and each studio's profile.",
    ),
    "help.import": (
        "分析员上传名单、考核、撤销、台账表格，预览、校验后一次提交，可撤销。",
        "Analysts upload spreadsheets, preview, validate, commit and roll back.",
    ),
    "help.meeting": (
        "投影用的全屏幻灯片，可导出 PDF 与 PPTX。",
        "Full-screen slides for the projector; PDF and PPTX handouts.",
    ),
    "coming": (
        "此页面正在建设中，将在后续版本提供。当前可在“总览”查看主要数字。",
        "This page is being built. The overview has the headline figures meanwhile.",
    ),
    # Sidebar filters
    "filters.title": ("筛选", "Filters"),
    "filters.year": ("年度", "Year"),
    "filters.type": ("类型", "Type"),
    "filters.batch": ("批次", "Batch"),
    "filters.unit": ("所在单位", "Unit"),
    "filters.status": ("状态", "Status"),
    "filters.all_years": ("全部年度", "All years"),
    "filters.all_types": ("全部类型", "All types"),
    "filters.all_batches": ("全部批次", "All batches"),
    "filters.all_units": ("全部单位", "All units"),
    "filters.all_statuses": ("全部状态", "Any status"),
    "filters.reset": ("清除筛选", "Clear filters"),
    "filters.unknown_value": ("（无匹配）", "(no match)"),
    "status.active": ("在管", "Active"),
    "status.revoked": ("已撤销", "Revoked"),
    "lang.switch": ("English", "中文"),
    # Demo and empty states
    "demo.banner": (
        "当前数据含演示数据（虚构的单位、工作室与数字），不代表真实情况。分析员可在“数据导入”页的导入历史中撤销“演示数据”，再导入真实表格。",
        "This includes demo data (made-up units, studios and figures). Analysts can roll back the demo import in the import history, then import real files.",
    ),
    "empty.title": ("还没有数据", "No data yet"),
    "empty.body": (
        "数据库里还没有工作室。请分析员在“数据导入”页上传工作室名单、考核结果、撤销记录或经费台账。",
        "The database holds no studios yet. An analyst can upload rosters, results, revocations or "
        "ledgers on the Import page.",
    ),
    "empty.filtered": (
        "没有符合当前筛选条件的工作室。请放宽或清除左侧的筛选条件。",
        "No studio matches the filters. Widen or clear the filters in the sidebar.",
    ),
    # Overview KPI cards
    "kpi.active": ("在管工作室", "Active studios"),
    "kpi.revoked": ("已撤销称号", "Titles revoked"),
    "kpi.revoked_delta": ("{year}年撤销 {count} 家", "{count} revoked in {year}"),
    "kpi.assessed": ("{year}年度参加考核", "Assessed in {year}"),
    "kpi.pass_rate": ("{year}年度合格率", "Pass rate {year}"),
    "kpi.excellent": ("{year}年度优秀", "Excellent in {year}"),
    "kpi.granted": ("拨付经费", "Funds granted"),
    "kpi.spent": ("已支出", "Spent"),
    "kpi.prohibited": ("不允许的支出", "Disallowed spending"),
    "kpi.over_budget": ("超支工作室", "Studios over budget"),
    "kpi.vs_last_year": ("较上年", "y/y"),
    "kpi.all_years": ("累计（全部年度）", "All years"),
    "kpi.in_year": ("{year}年", "in {year}"),
    "kpi.no_assessment": ("尚无考核数据", "No assessment yet"),
    "kpi.section.studios": ("工作室", "Studios"),
    "kpi.section.assessment": ("年度考核", "Yearly assessment"),
    "kpi.section.funds": ("经费", "Funds"),
    "unit.studios": ("家", ""),
    "unit.yuan": ("元", "yuan"),
    "overview.caption": (
        "工作室数量按当前状态统计；考核数字为 {year} 年度（左侧可选年度）；经费为{money_scope}。",
        "Studio counts stand as today; assessment figures are for {year}; funds are {money_scope}.",
    ),
    "overview.filters_active": ("当前筛选：{filters}", "Filters: {filters}"),
    # Sign-in
    "auth.title": ("分析员登录", "Analyst sign-in"),
    "auth.user": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "auth.signed_in": ("已登录：{user}", "Signed in as {user}"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.no_users": (
        "尚未创建分析员账号。请在服务器上运行 python -m labstudio user add 用户名。",
        "No analyst account yet. Run python -m labstudio user add NAME on the server.",
    ),
    "db.error": (
        "无法打开数据库：{error}",
        "The database could not be opened: {error}",
    ),
    # Import page (analysts)
    "import.tab.upload": ("上传导入", "Upload"),
    "import.tab.history": ("导入历史", "History"),
    "import.tab.templates": ("空白模板", "Templates"),
    "import.drop": (
        "拖入或选择表格文件（可多选）",
        "Drop or choose spreadsheet files (several at once)",
    ),
    "import.drop_help": (
        "支持 .xlsx、.xlsm、.xls 和 .csv（UTF-8 或 GBK）。名单、考核结果、撤销记录、经费台账可放在同一工作簿的不同工作表中。",
        "Accepts .xlsx, .xlsm, .xls and .csv (UTF-8 or GBK). Rosters, results, revocations and ledgers may share one workbook.",
    ),
    "import.nothing_yet": (
        "选择文件后，这里会先检查并预览，确认无误再提交；提交前不会写入任何数据。",
        "Once files are chosen they are checked and previewed here; nothing is written before you commit.",
    ),
    "import.checking": ("正在检查文件……", "Checking the files…"),
    "import.what_changes": ("提交后将发生的变化", "What the commit will change"),
    "import.has_errors": (
        "发现 {count} 处错误，整批文件都不会导入。请按下表（或下载的问题说明）修改后重新上传。",
        "{count} errors: none of these files will be imported. Fix them (see the table or the error report) and upload again.",
    ),
    "import.has_warnings": (
        "有 {count} 条提示：可以导入，但请核对。",
        "{count} warnings: the import may go ahead, but please check them.",
    ),
    "import.error_report": ("下载问题说明：{file}", "Download error report: {file}"),
    "import.preview_of": ("预览：{file} · {sheet}（{kind}）", "Preview: {file} · {sheet} ({kind})"),
    "import.commit": ("提交导入", "Commit import"),
    "import.committed": (
        "已导入（导入编号 #{id}），各页面已显示新数据。",
        "Imported (import #{id}); every page shows the new figures.",
    ),
    "import.commit_failed": (
        "导入未完成，数据未作改动：",
        "The import did not go through; nothing changed:",
    ),
    "import.rolled_back": ("已撤销导入 #{id}。", "Import #{id} rolled back."),
    "import.no_history": ("还没有导入记录。", "No imports yet."),
    "import.rollback_pick": ("要撤销的导入", "Import to roll back"),
    "import.rollback": ("撤销这次导入", "Roll back this import"),
    "import.templates_help": (
        "空白模板带有本系统最容易识别的表头，以及类型、等次、支出用途的下拉选项。",
        "Blank templates with the headers recognised best, and drop-downs for types, grades and uses.",
    ),
    "import.kind.studios": ("工作室名单", "Studio roster"),
    "import.kind.assessments": ("年度考核结果", "Assessment results"),
    "import.kind.revocations": ("称号撤销记录", "Revocations"),
    "import.kind.funds": ("经费台账", "Fund ledger"),
    "import.kind.skipped": ("跳过（未识别的内容）", "Skipped (not recognised)"),
    "import.field.ignore": ("（不导入）", "(ignore)"),
    "import.col.header": ("表头（原文）", "Header as written"),
    "import.col.field": ("对应字段（可改）", "Maps to (editable)"),
    "import.header_found": (
        "表头在第 {row} 行；数据 {rows} 行，跳过 {skipped} 行（标题、空行、合计、填表说明等）。",
        "Header on row {row}; {rows} data rows, {skipped} lines skipped (titles, blanks, totals, notes).",
    ),
    "import.col.file": ("文件", "File"),
    "import.col.sheet": ("工作表", "Sheet"),
    "import.col.row": ("行号", "Row"),
    "import.col.column": ("列", "Column"),
    "import.col.message": ("说明", "Message"),
    "import.col.kind": ("识别为", "Recognised as"),
    "import.col.rows": ("数据行", "Rows"),
    "import.col.inserted": ("新增", "New"),
    "import.col.updated": ("更新", "Updated"),
    "import.col.unchanged": ("未变", "Unchanged"),
    "import.col.time": ("时间", "Time"),
    "import.col.files": ("文件", "Files"),
    "import.col.status": ("状态", "Status"),
    "import.col.user": ("操作人", "By"),
    "import.status.committed": ("有效", "In force"),
    "import.status.rolled_back": ("已撤销", "Rolled back"),
    "import.status.rollback": ("撤销操作", "Rollback"),
}

VALUES_EN: dict[str, str] = {
    "技术创新型": "Technical innovation",
    "服务创新型": "Service innovation",
    "管理创新型": "Management innovation",
    "未分类": "Unclassified",
    "优秀": "Excellent",
    "合格": "Pass",
    "不合格": "Fail",
    "年度考核不合格": "Failed yearly assessment",
    "严重医疗事故": "Serious medical accident",
    "严重违反医德医风": "Serious breach of medical ethics",
    "其他": "Other",
    "设备购置": "Equipment",
    "项目研究": "Project research",
    "培训学习": "Training and study",
    "创新成果宣传推广": "Promoting results",
    "办公条件改善": "Office conditions",
    "不允许的支出": "Disallowed",
}


def label(key: str, lang: str = "zh", **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled in."""
    zh, en = LABELS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def value(text: str | None, lang: str = "zh") -> str:
    """A domain value (type, grade, ground, category) as shown in `lang`."""
    if text is None:
        return ""
    return VALUES_EN.get(text, text) if lang == "en" else text


def batch(number: int | None, lang: str = "zh") -> str:
    from labstudio.domain import batch_label

    if lang == "en":
        return f"Batch {number}" if number is not None else "Batch unknown"
    return batch_label(number)
