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
    "filters.bad_year": (
        "链接中的年度“{value}”不是年份，未按年度筛选。",
        'The link\'s year "{value}" is not a year: no year filter applied.',
    ),
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
    "empty.signin": (
        "分析员请先在左侧栏下方的“分析员登录”中登录，再导入数据。",
        'Analysts: sign in under "Analyst sign-in" at the bottom of the sidebar, then import.',
    ),
    "empty.filtered": (
        "没有符合当前筛选条件的工作室。请放宽或清除左侧的筛选条件。",
        "No studio matches the filters. Widen or clear the filters in the sidebar.",
    ),
    # Overview KPI cards
    "kpi.total": ("工作室总数", "Studios in all"),
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
    "kpi.money_all_years": ("累计（全部年度）", "totals over all years"),
    "kpi.pp": ("个百分点", " pp"),
    "kpi.in_year": ("{year}年", "in {year}"),
    "kpi.no_assessment": ("尚无考核数据", "No assessment yet"),
    "kpi.section.studios": ("工作室", "Studios"),
    "kpi.section.assessment": ("年度考核", "Yearly assessment"),
    "kpi.section.funds": ("经费", "Funds"),
    "unit.studios": ("家", ""),
    "unit.yuan": ("元", "yuan"),
    "overview.caption": (
        "工作室数量按当前状态统计；经费为{money_scope}。",
        "Studio counts stand as today; funds are {money_scope}.",
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
    "import.all_messages": ("全部 {count} 条", "All {count}"),
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
    # Import page: what the importer inferred, and where from (issue 9)
    "import.col.year": ("考核年度（来源）", "Assessment year (from)"),
    "import.year.unknown": ("未能确定，请指定", "Not known: please set it"),
    "import.year.found": (
        "**考核年度 {year}** · 来源：{source}",
        "**Assessment year {year}** · from {source}",
    ),
    "import.year.several": ("**考核年度** · {source}", "**Assessment years** · {source}"),
    "import.year.by_hand": (
        "**考核年度 {year}** · 手工指定（原推断：{found}）",
        "**Assessment year {year}** · set by hand (found: {found})",
    ),
    "import.year.none": (
        "这张考核表没有写明是哪一年度的（表中的考核、报送日期不算）。请在下面指定年度，或改正表格后重新上传。",
        "This sheet does not say which year it assesses (dates of the inspection or of sending do not count). Set the year below, or fix the sheet and upload it again.",
    ),
    "import.year.not_from": (
        "没有用来定年度的日期（考核、报送等工作的日期，不是考核年度）：{dates}",
        "Dates not used for the year (when the work was done, not the year assessed): {dates}",
    ),
    "import.year.set": ("手工指定这张表的考核年度", "Set this sheet's assessment year by hand"),
    "import.year.set_help": (
        "留空则按上面的来源。指定的年度用于整张表，并记入这次导入的记录。",
        "Leave empty to keep the year found above. A year set here applies to the whole sheet and is recorded with the import.",
    ),
    "import.year.placeholder": ("例如 2023", "e.g. 2023"),
    "import.kind_from": (
        "识别为{kind}，依据表头：{headers}",
        "Recognised as {kind} from the headers: {headers}",
    ),
    "import.col.how": ("识别方式", "How"),
    "import.col.note": ("说明", "Note"),
    "import.how.exact": ("与模板一致", "As in the template"),
    "import.how.variant": ("常见写法", "A known variant"),
    "import.how.rule": ("按关键词", "By keyword"),
    "import.how.fuzzy": ("近似匹配（相似度 {score:.0f}）", "Close match (score {score:.0f})"),
    "import.how.manual": ("手工指定", "Set by hand"),
    "import.canonical": ("按规范值读入的写法", "Values read as the canonical ones"),
    "import.defaults": ("自动填入的值", "Values filled in"),
    "import.col.field_name": ("字段", "Field"),
    "import.col.read_as": ("读作", "Read as"),
    "import.col.count": ("行数", "Rows"),
    "import.col.examples": ("例如", "For example"),
    "import.col.filled": ("填入", "Filled in"),
    "import.col.why": ("原因", "Why"),
    "import.col.unit": ("所在单位", "Unit"),
    "import.col.studio": ("工作室", "Studio"),
    "import.grant_default": (
        "{count} 家工作室没有拨款记录：经费按标准拨款 {amount:,.0f} 元计算（用于判断是否超支），有拨款记录后按实际拨款计算。",
        "{count} studios have no grant on record: their funds are counted as the standard {amount:,.0f} yuan (for the over-budget check) until a grant is recorded.",
    ),
    "import.grant_default_list": ("查看这 {count} 家工作室", "Show these {count} studios"),
    # Meeting mode
    "meeting.previous": ("上一页", "Previous"),
    "meeting.next": ("下一页", "Next"),
    "meeting.back": ("返回看板", "Back to dashboard"),
    "meeting.no_deck": (
        "服务器未安装 Chromium，暂不能导出 PDF（PPTX 可以导出）。请在服务器上以 root 运行 make run。",
        "No Chromium on the server: no PDF for now (the PPTX works). Run make run as root on the server.",
    ),
    "slide.overview": ("总览", "Overview"),
    "slide.types": ("类型分布", "Types"),
    "slide.assessments": ("年度考核", "Assessment"),
    "slide.revocations": ("称号撤销", "Revocations"),
    "slide.funds": ("经费使用", "Funds"),
    "slide.actions": ("待办事项", "Action items"),
    "meeting.mean_score": ("{year}年度平均分", "Mean score {year}"),
    "meeting.prohibited": ("不允许的支出（{when}）", "Disallowed ({when})"),
    "meeting.revoked_total": ("撤销称号（{when}）", "Titles revoked ({when})"),
    "meeting.total": ("工作室总数", "Studios in all"),
    "meeting.no_stages": (
        "{count}家在管工作室未填写所处阶段，阶段分布不作图。",
        "{count} active studios have no stage recorded, so no stage chart is drawn.",
    ),
    "meeting.unchanged": ("与上年持平", "same as the year before"),
    "meeting.no_previous": ("{year}年度无考核结果可比", "no {year} results to compare"),
    "meeting.assessment_year": ("{year}年度", "{year}"),
    "meeting.in_year": ("{year}年", "{year}"),
    "meeting.to_date": ("累计", "to date"),
    "meeting.granted": ("拨付经费（{when}）", "Granted ({when})"),
    "meeting.spent": ("支出（{when}）", "Spent ({when})"),
    "meeting.no_new_grant": ("未新拨", "none new"),
    "meeting.assumed_grant": (
        "超支的工作室中{count}家未录入拨款，按1万元计：{names}",
        "{count} of the studios over budget have no grant recorded; 10,000 yuan assumed: {names}",
    ),
    "meeting.and_more": ("等", " and others"),
    "meeting.due": ("不合格待撤销", "Failed, not yet revoked"),
    "meeting.disallowed_lines": (
        "不允许的支出共{count}笔，明细见经费使用页。",
        "{count} disallowed; see the Funds page for each line.",  # "6 expenses"
    ),
    "meeting.count": ("数量", "Count"),
    "meeting.slide_of": ("第{number}页，共{total}页", "Slide {number} of {total}"),
    "meeting.space": ("下一页（空格键）", "Next (space)"),
    "meeting.keys": (
        "键盘：→ 或空格 下一页，← 上一页",
        "Keys: → or space for next, ← for previous",
    ),
    # --- Dashboards: types, assessments, revocations, funds, studios (issue 4) ---
    # Meeting headlines (labstudio.headlines): one sentence a slide, read from the back.
    "h.part": ("{name}{n}家", "{name} {n}"),
    # {total}, {active}, {revoked}: "60家" in Chinese; "60 studios", "51", "9 titles" in English.
    "h.overview": (
        "全委创新工作室{total}：在管{active}，已撤销称号{revoked}",
        "{total}: {active} active, {revoked} revoked",
    ),
    "h.overview.unit": (
        "{unit}创新工作室{total}：在管{active}，已撤销称号{revoked}",
        "{total} at {unit}: {active} active, {revoked} revoked",
    ),
    "h.untyped": ("未分类", "unclassified"),
    "h.types": ("共{total}：{parts}", "{total} by type: {parts}"),
    "h.assessment": ("{year}年度考核：{parts}", "Assessment {year}: {parts}"),
    "h.assessment.none_in": ("{year}年度暂无考核结果", "No assessment results for {year}"),
    "h.assessment.none": ("暂无考核结果", "No assessment results yet"),
    "h.in_year": ("{year}年", "in {year}"),
    "h.so_far": ("累计", "to date"),
    "h.revocations": (
        "{when}撤销称号{total}家：{parts}",
        "{total} titles revoked {when}: {parts}",
    ),
    "h.revocations.one": (
        "{when}撤销称号{total}家：{parts}",
        "{total} title revoked {when}: {parts}",
    ),
    "h.revocations.none": ("{when}没有撤销称号的工作室", "No title revoked {when}"),
    "h.funds.none": ("{when}暂无经费拨付与支出记录", "No grants or spending recorded {when}"),
    "h.funds.granted": ("{when}拨付经费{amount}", "Granted {amount} {when}"),
    "h.funds.no_new_grant": ("{when}未新拨经费", "No new grants {when}"),
    "h.funds.nothing_spent": ("尚无支出", "nothing spent yet"),
    "h.funds.spent_allowed": (
        "支出{amount}，均在允许用途内",
        "spent {amount}, all on allowed uses",
    ),
    "h.funds.spent_disallowed": (
        "支出{amount}，其中不允许的支出{prohibited}",
        "spent {amount}, of which {prohibited} disallowed",
    ),
    "h.actions": ("需要跟进：{parts}", "To follow up: {parts}"),
    "h.actions.none": ("没有需要跟进的事项", "Nothing needs following up"),
    "h.action.failed_not_revoked": ("考核不合格未撤销{n}家", "{n} failed but not revoked"),
    "h.action.disallowed_lines": ("不允许的支出{n}笔", "{n} disallowed"),  # "1 expense"
    "h.action.over_budget": ("超支{n}家", "{n} over budget"),
    "h.action.not_assessed": ("未录入本年考核{n}家", "{n} not assessed this year"),
    "h.action.not_assessed_in": ("未录入{year}年度考核{n}家", "{n} with no {year} assessment"),
    "h.action.too_many_honours": ("荣誉超过5项{n}家", "{n} with more than five honours"),
    # The handouts (labstudio.deck) and the deck command.
    "cli.deck.kind": (
        "无法生成 {name}：会议材料只能是 .pdf 或 .pptx，请换一个文件扩展名。",
        "Cannot write {name}: the deck is a .pdf or a .pptx; use one of these extensions.",
    ),
    "cli.deck.year": (
        "年度“{year}”无法识别，请写四位年份，例如 --year 2024。",
        "The year '{year}' cannot be read; write four digits, e.g. --year 2024.",
    ),
    "cli.deck.done": (
        "已生成会议材料（{count}页）：{path}",
        "Wrote the deck ({count} slides): {path}",
    ),
    "deck.category_total": ("{category}（共{total}）", "{category} ({total})"),
    "deck.unavailable": (
        "服务器无法生成 PDF（需要 Chromium 和中文字体）。"
        "请在服务器上运行 make run（以 root 身份会自动安装），或联系管理员。（{error}）",
        "The server cannot make the PDF (it needs Chromium and a Chinese font). "
        "Run make run on the server (as root it installs them), or ask the administrator. "
        "({error})",
    ),
    "v.unit.studios": ("家", "studios"),
    "v.unit.points": ("分", "points"),
    "v.unit.yuan": ("元", "yuan"),
    "v.stage.创建管理": ("创建管理（已确认）", "Confirmed, under creation"),
    "v.stage.委级命名": ("委级命名", "Named at commission level"),
    "v.stage.推荐市总工会": ("推荐市总工会", "Put forward to city union"),
    "v.stage.推荐省医务工会": ("推荐省医务工会", "Put forward to provincial union"),
    "v.stage.revoked": ("已撤销称号", "Title revoked"),
    "v.stage.unknown": ("阶段未填写", "Stage not recorded"),
    "v.note.prefix": ("数据不完整：", "Incomplete data: "),
    "v.note.no_batch": ("{count}家未填写批次", "{count} without a batch"),
    "v.note.no_type": (
        "{count}家未填写类型（计为未分类）",
        "{count} without a type (unclassified)",
    ),
    "v.note.no_stage": ("{count}家未填写阶段", "{count} without a life-cycle stage"),
    "v.note.stages_missing": (
        "工作室所处阶段：{total}家在管工作室中{missing}家未填写阶段，暂不绘图；在名单中补填“阶段”后显示。",
        "Life-cycle stages: {missing} of {total} active studios have none recorded, so there is "
        "no chart; fill in the stage in the roster to show it.",
    ),
    "v.note.no_score": ("{year}年有{count}家未录入分数", "{count} without a score in {year}"),
    "v.note.no_grade": ("{year}年有{count}家未录入等次", "{count} without a grade in {year}"),
    "v.note.not_assessed": (
        "{year}年有{count}家在管工作室无考核记录",
        "{count} studios under management not assessed in {year}",
    ),
    "v.note.undated_revocations": (
        "{count}条撤销记录未填写日期，未计入按年统计",
        "{count} revocations without a date are left out of the yearly counts",
    ),
    "v.note.undated_expenses": (
        "{count}笔支出未填写日期，未计入按月统计",
        "{count} expenses without a date are left out of the monthly figures",
    ),
    "v.note.standard_grant": (
        "{count}家未录入拨款，按1万元计",
        "{count} studios have no grant recorded; 10,000 yuan assumed",
    ),
    "v.note.standard_grant_named": (
        "{count}家未录入拨款，额度暂按1万元计（名单见下方“未录入拨款、额度暂按1万元计”）",
        '{count} studios have no grant recorded; 10,000 yuan assumed (listed below under "No '
        'grant recorded")',
    ),
    "v.note.top_n": (
        "共{total}家，图中显示余额最少的{shown}家，完整数据见“数据”",
        "{total} studios; the chart shows the {shown} with the least left, the data view has all",
    ),
    "v.note.grid_top_n": (
        "共{total}家，图中显示前{shown}家，完整数据见“数据”",
        "{total} studios; the chart shows the first {shown}, the data view has all",
    ),
    "v.note.units_top_n": (
        "共{total}个单位，图中显示工作室最多的{shown}个，完整数据见“数据”",
        "{total} units; the chart shows the {shown} with most studios, the data view has all",
    ),
    "v.empty.chart": ("当前筛选条件下没有数据", "No data for these filters"),
    "v.empty.year": ("还没有考核数据", "No assessment data yet"),
    "v.empty.list": ("无", "None"),
    "v.chart.batch_type": ("各批次工作室数量（按类型）", "Studios by batch and type"),
    "v.chart.unit_type": ("各单位工作室数量（按类型）", "Studios by unit and type"),
    "v.chart.life_cycle": ("工作室所处阶段", "Where the studios stand in the life cycle"),
    "v.chart.type_share": ("各类型工作室数量", "Studios by type"),
    "v.chart.type_unit_batch": ("类型 × 批次 × 单位明细", "Type × batch × unit"),
    "v.chart.grades": ("{year}年度考核等次分布（按类型）", "Grades in {year}, by type"),
    "v.chart.score_type": ("{year}年度考核得分分布（按类型）", "Scores in {year}, by type"),
    "v.chart.score_unit": ("{year}年度考核得分分布（按单位）", "Scores in {year}, by unit"),
    "v.chart.trend": ("历年考核合格率与平均分", "Pass rate and mean score by year"),
    "v.chart.grid": ("各工作室历年考核等次", "Each studio's grade by year"),
    "v.chart.failed": (
        "{year}年度考核不合格名单及撤销情况",
        "Failed in {year}, and whether revoked",
    ),
    "v.chart.failed_all": ("考核不合格名单及撤销情况", "Failed assessments, and whether revoked"),
    "v.chart.by_ground": (
        "按撤销情形统计（四种情形）",
        "Revocations by ground (the notice's four)",
    ),
    "v.chart.by_year": ("各年度撤销数量（按类型）", "Revocations by year and type"),
    "v.chart.by_unit": ("各单位撤销数量（按类型）", "Revocations by unit and type"),
    "v.chart.timeline": (
        "撤销时间线（共{count}家，日期相近的上下排开）",
        "Revocation timeline ({count} in all; close dates stacked)",
    ),
    "v.chart.due": ("考核不合格但尚未撤销称号", "Failed but not yet revoked"),
    "v.chart.budget": (
        "各工作室经费支出与额度（余额见悬停）",
        "Spent per studio against its grant",
    ),
    "v.chart.by_category": ("按用途统计的支出", "Spending by use"),
    "v.chart.disallowed": ("不允许的支出明细", "Disallowed spending, line by line"),
    "v.chart.monthly": ("每月支出（按类型）", "Spending per month, by type"),
    "v.chart.over_budget": ("超支工作室", "Studios over budget"),
    "v.chart.directory": ("工作室名录", "Studio directory"),
    "v.chart.history": ("历年考核得分", "Assessment scores by year"),
    "v.chart.ledger": ("经费台账", "Fund ledger"),
    "v.axis.batch": ("批次", "Batch"),
    "v.axis.type": ("类型", "Type"),
    "v.axis.grade": ("考核等次", "Grade"),
    "v.axis.year": ("年度", "Year"),
    "v.axis.month": ("月份", "Month"),
    "v.axis.date": ("撤销日期", "Date revoked"),
    "v.axis.ground": ("撤销情形", "Ground"),
    "v.axis.studios": ("工作室数量（家）", "Studios"),
    "v.axis.revocations": ("撤销数量（家）", "Revocations"),
    "v.axis.score": ("考核得分（分）", "Score (points)"),
    "v.axis.pass_rate": ("合格率（%）", "Pass rate (%)"),
    "v.axis.money": ("金额（元）", "Amount (yuan)"),
    "v.axis.use": ("用途", "Use"),
    "v.series.pass_rate": ("合格率", "Pass rate"),
    "v.series.mean": ("平均分", "Mean score"),
    "v.series.spent": ("已支出", "Spent"),
    "v.series.budget": ("经费额度", "Grant"),
    "v.series.balance": ("余额", "Balance"),
    "v.series.over": ("超支", "Over budget"),
    "v.stat.n": ("家数", "Studios"),
    "v.stat.range": ("最低–最高", "Min–max"),
    "v.stat.median": ("中位数", "Median"),
    "v.stat.mean": ("平均分", "Mean"),
    "v.col.unit": ("所在单位", "Unit"),
    "v.col.studio": ("创新工作室", "Studio"),
    "v.col.leader": ("领衔人", "Leader"),
    "v.col.title": ("职称（技术等级）", "Title"),
    "v.col.type": ("类型", "Type"),
    "v.col.batch": ("批次", "Batch"),
    "v.col.stage": ("阶段", "Stage"),
    "v.col.status": ("状态", "Status"),
    "v.col.studios": ("工作室（家）", "Studios"),
    "v.col.revocations": ("撤销（家）", "Revocations"),
    "v.col.year": ("年度", "Year"),
    "v.col.month": ("月份", "Month"),
    "v.col.grade": ("考核等次", "Grade"),
    "v.col.score": ("考核得分", "Score"),
    "v.col.count": ("家数", "Count"),
    "v.col.assessed": ("参加考核（家）", "Assessed"),
    "v.col.pass_rate": ("合格率（%）", "Pass rate (%)"),
    "v.col.mean_score": ("平均分", "Mean score"),
    "v.col.min": ("最低分", "Min"),
    "v.col.q1": ("下四分位", "Lower quartile"),
    "v.col.median": ("中位数", "Median"),
    "v.col.q3": ("上四分位", "Upper quartile"),
    "v.col.max": ("最高分", "Max"),
    "v.col.revoked": ("是否已撤销", "Revoked"),
    "v.col.revoked_on": ("撤销日期", "Date revoked"),
    "v.col.ground": ("撤销情形", "Ground"),
    "v.col.reason": ("撤销原因", "Reason"),
    "v.col.date": ("日期", "Date"),
    "v.col.amount": ("金额（元）", "Amount (yuan)"),
    "v.col.description": ("摘要", "Description"),
    "v.col.category": ("用途", "Use"),
    "v.col.direction": ("收支", "In/out"),
    "v.col.budget": ("经费额度（元）", "Grant (yuan)"),
    "v.col.spent": ("已支出（元）", "Spent (yuan)"),
    "v.col.balance": ("余额（元）", "Balance (yuan)"),
    "v.col.standard_grant": ("按1万元计", "10,000 assumed"),
    "v.col.honours_count": ("荣誉项数", "Honours"),
    "v.col.honours": ("领衔人主要荣誉", "Leader's honours"),
    "v.col.achievements": ("主要创新成果", "Main achievements"),
    "v.col.latest": ("最近考核", "Latest result"),
    "v.col.named_on": ("命名日期", "Named on"),
    "v.col.profile": ("档案", "Profile"),
    "v.yes": ("是", "Yes"),
    "v.no": ("否", "No"),
    "v.direction.grant": ("拨款", "Grant"),
    "v.direction.expense": ("支出", "Expense"),
    "v.action.title": ("待办事项", "Action items"),
    "v.action.caption": (
        "需要跟进的情况；展开查看名单。",
        "Things that need following up; open one to see the list.",
    ),
    "v.action.failed_unrevoked": ("考核不合格、尚未撤销称号", "Failed, title not yet revoked"),
    "v.action.disallowed": ("不允许的支出", "Disallowed spending"),
    "v.action.over_budget": ("超支工作室", "Studios over budget"),
    "v.action.missing_assessment": (
        "{year}年度在管但无考核记录",
        "Under management, not assessed in {year}",
    ),
    "v.action.standard_grant": (
        "未录入拨款、额度暂按1万元计",
        "No grant recorded, 10,000 yuan assumed",
    ),
    "v.col.open_profile": ("档案", "Profile"),
    "v.open_profile": ("打开档案", "Open profile"),
    "v.action.honours": ("领衔人荣誉超过5项", "More than five honours listed"),
    "v.action.studios": ("{title}：{count}家", "{title}: {count}"),
    "v.action.lines": ("{title}：{count}笔", "{title}: {count} lines"),
    "v.action.none": ("没有需要跟进的事项。", "Nothing to follow up."),
    "v.section.charts": ("分布", "Breakdown"),
    "v.data": ("数据", "Data"),
    "v.download_csv": ("下载 CSV", "Download CSV"),
    "v.download_xlsx": ("下载 Excel", "Download Excel"),
    "v.export": ("导出附件2汇总表（Excel）", "Export the Annex 2 summary (Excel)"),
    "v.export_help": (
        "按当前筛选条件导出：附件2汇总表，以及考核、撤销、经费台账三张明细表。",
        "The current filters' studios as the notice's Annex 2 table, plus assessments, "
        "revocations and ledger sheets.",
    ),
    "v.click_hint": (
        "点击柱形按它所代表的批次、单位、年度或状态筛选；点击图例中的类型按类型筛选；左侧“清除筛选”可恢复。",
        "Click a bar to filter by the batch, unit, year or status it stands for; click a type in "
        'the legend to filter by type. "Clear filters" in the sidebar undoes it.',
    ),
    "punct.list_separator": ("；", "; "),
    "v.title_years": ("{title}（{years}年度）", "{title} ({years})"),
    "v.year_shown": (
        "考核数字为{year}年度（最近一次考核）",
        "Assessment figures are for {year}, the latest assessed",
    ),
    "v.search": ("检索工作室、领衔人、单位或成果", "Search studio, leader, unit or achievements"),
    "v.search_placeholder": ("例如：张伟、市立医院、专利", "e.g. a name, a hospital, a patent"),
    "v.directory_count": ("共 {count} 家", "{count} studios"),
    "v.directory_hint": (
        "点击一行打开该工作室档案；点击表头排序。",
        "Select a row to open the studio's profile; click a header to sort.",
    ),
    "v.profile.back": ("返回名录", "Back to the directory"),
    "v.profile.not_found": (
        "没有找到编号为 {id} 的工作室。它可能已被撤销导入而删除。",
        "No studio with id {id}. It may have been removed by a rolled-back import.",
    ),
    "v.profile.basics": ("基本情况", "Basics"),
    "punct.field": ("{name}：", "{name}: "),
    "v.profile.honours_over": (
        "领衔人荣誉列出{count}项，超过通知规定的5项以内。",
        "{count} honours listed, more than the five the notice allows.",
    ),
    "v.profile.revoked": (
        "已于 {date} 撤销称号（{ground}）：{reason}",
        "Title revoked on {date} ({ground}): {reason}",
    ),
    "v.profile.active": ("称号保留中（无撤销记录）", "Title held (no revocation)"),
    "v.profile.funds": (
        "经费：额度 {budget}，已支出 {spent}，余额 {balance}",
        "Funds: grant {budget}, spent {spent}, balance {balance}",
    ),
    "v.profile.standard_grant": (
        "未录入拨款：额度暂按通知规定的1万元计，余额以此推算；录入拨款记录后以实际为准。",
        "No grant recorded: the grant is taken as the notice's 10,000 yuan and the balance "
        "follows from it, until a grant is imported.",
    ),
    "v.profile.no_ledger": ("尚无经费台账记录", "No ledger entries yet"),
    "v.profile.no_assessment": ("尚无考核记录", "No assessment yet"),
    "v.sheet.summary": ("附件2汇总表", "Summary (附件2)"),
    "v.sheet.assessments": ("年度考核", "Assessments"),
    "v.sheet.revocations": ("称号撤销", "Revocations"),
    "v.sheet.ledger": ("经费台账", "Ledger"),
    # --- end of the dashboards block (issue 4) ---
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
