-- labstudio database schema, version 3.
-- The version lives in meta('schema_version'); labstudio.db.SCHEMA_VERSION must match the number
-- above, and every change to this file comes with a step in labstudio.db.MIGRATIONS that brings a
-- database of the previous version to this one.
--
-- Every data row carries the import_id of the import that last wrote it. When an import changes a
-- row, the row as it was is copied into the table's *_replaced twin with replaced_by = that import,
-- so a rollback can delete what the import wrote and put the old rows back.

CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE SEQUENCE import_id_seq START 1;
CREATE SEQUENCE unit_id_seq START 1;
CREATE SEQUENCE studio_id_seq START 1;
CREATE SEQUENCE ledger_id_seq START 1;

-- One row per import, demo load or rollback.
CREATE TABLE imports (
    import_id        INTEGER PRIMARY KEY,
    happened_at      TIMESTAMP NOT NULL,
    -- screening: applications saved (申报初审); decision: a decision on one application
    action           VARCHAR NOT NULL
                     CHECK (action IN ('import', 'demo', 'rollback', 'screening', 'decision')),
    files            VARCHAR[] NOT NULL,
    sha256           VARCHAR[] NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('committed', 'rolled_back', 'rollback')),
    row_count        INTEGER NOT NULL DEFAULT 0,
    inserted         INTEGER NOT NULL DEFAULT 0,
    updated          INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    target_import_id INTEGER,          -- for a rollback: the import it undid
    user_name        VARCHAR,
    report           JSON              -- the import's JSON report (sheets, warnings)
);

CREATE TABLE units (
    unit_id   INTEGER PRIMARY KEY,
    name      VARCHAR NOT NULL UNIQUE,
    import_id INTEGER NOT NULL
);

-- type: 技术创新型 | 服务创新型 | 管理创新型 | NULL (unknown)
-- stage (life cycle): 创建管理 (confirmed, under creation) | 委级命名 (named) |
--                     推荐市总工会 | 推荐省医务工会 | NULL (unknown)
CREATE TABLE studios (
    studio_id    INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL,
    name         VARCHAR NOT NULL,
    leader       VARCHAR,
    leader_title VARCHAR,
    type         VARCHAR CHECK (type IN ('技术创新型', '服务创新型', '管理创新型')),
    batch        INTEGER CHECK (batch > 0),
    stage        VARCHAR CHECK (stage IN ('创建管理', '委级命名', '推荐市总工会', '推荐省医务工会')),
    named_on     DATE,
    achievements VARCHAR,
    honours      VARCHAR[] NOT NULL DEFAULT [],
    remarks      VARCHAR,
    import_id    INTEGER NOT NULL,
    UNIQUE (unit_id, name)
);

-- grade: 优秀 | 合格 | 不合格; a row may have a score, a grade or both.
CREATE TABLE assessments (
    studio_id INTEGER NOT NULL,
    year      INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    score     DECIMAL(5, 2) CHECK (score BETWEEN 0 AND 100),
    grade     VARCHAR CHECK (grade IN ('优秀', '合格', '不合格')),
    remarks   VARCHAR,
    import_id INTEGER NOT NULL,
    PRIMARY KEY (studio_id, year)
);

-- ground: the four grounds of the notice, section 四(四).
CREATE TABLE revocations (
    studio_id  INTEGER PRIMARY KEY,
    revoked_on DATE,
    ground     VARCHAR NOT NULL
               CHECK (ground IN ('年度考核不合格', '严重医疗事故', '严重违反医德医风', '其他')),
    reason     VARCHAR,
    import_id  INTEGER NOT NULL
);

-- direction: grant (拨款, income) | expense (支出).
-- category of an expense: one of the five allowed uses or 不允许的支出; NULL for grants.
-- entry_key identifies a ledger line across imports (its content plus its occurrence number), so
-- importing the same ledger again inserts nothing.
CREATE TABLE ledger (
    entry_id    BIGINT PRIMARY KEY,
    studio_id   INTEGER NOT NULL,
    entry_date  DATE,
    direction   VARCHAR NOT NULL CHECK (direction IN ('grant', 'expense')),
    category    VARCHAR CHECK (category IN ('设备购置', '项目研究', '培训学习', '创新成果宣传推广',
                                            '办公条件改善', '不允许的支出')),
    amount      DECIMAL(14, 2) NOT NULL CHECK (amount >= 0),
    description VARCHAR,
    entry_key   VARCHAR NOT NULL,
    import_id   INTEGER NOT NULL,
    UNIQUE (studio_id, entry_key)
);

-- The rows as they were before an import replaced them (same columns, plus who replaced them).
CREATE TABLE units_replaced (
    unit_id INTEGER, name VARCHAR, import_id INTEGER,
    replaced_by INTEGER NOT NULL
);
CREATE TABLE studios_replaced (
    studio_id INTEGER, unit_id INTEGER, name VARCHAR, leader VARCHAR, leader_title VARCHAR,
    type VARCHAR, batch INTEGER, stage VARCHAR, named_on DATE, achievements VARCHAR,
    honours VARCHAR[], remarks VARCHAR, import_id INTEGER,
    replaced_by INTEGER NOT NULL
);
CREATE TABLE assessments_replaced (
    studio_id INTEGER, year INTEGER, score DECIMAL(5, 2), grade VARCHAR, remarks VARCHAR,
    import_id INTEGER,
    replaced_by INTEGER NOT NULL
);
CREATE TABLE revocations_replaced (
    studio_id INTEGER, revoked_on DATE, ground VARCHAR, reason VARCHAR, import_id INTEGER,
    replaced_by INTEGER NOT NULL
);
CREATE TABLE ledger_replaced (
    entry_id BIGINT, studio_id INTEGER, entry_date DATE, direction VARCHAR, category VARCHAR,
    amount DECIMAL(14, 2), description VARCHAR, entry_key VARCHAR, import_id INTEGER,
    replaced_by INTEGER NOT NULL
);

-- Applications (申报初审, issue 12): studios that do not exist yet. Saved as screened, never
-- updated: a corrected table is saved again after rolling back the first save. The screening
-- result is kept as it was computed (rules, evidence, notes), with the date it counted from.
CREATE SEQUENCE application_id_seq START 1;
CREATE SEQUENCE decision_id_seq START 1;

CREATE TABLE applications (
    application_id INTEGER PRIMARY KEY,
    batch          INTEGER CHECK (batch > 0),
    batch_from     VARCHAR,                -- where the batch was read from, in words
    unit           VARCHAR NOT NULL,
    studio         VARCHAR NOT NULL,
    leader         VARCHAR,
    leader_title   VARCHAR,
    type           VARCHAR CHECK (type IN ('技术创新型', '服务创新型', '管理创新型')),
    achievements   VARCHAR,
    honours        VARCHAR[] NOT NULL DEFAULT [],
    applied_on     DATE NOT NULL,
    source_file    VARCHAR,
    source_sheet   VARCHAR,
    source_row     INTEGER,
    verdict        VARCHAR NOT NULL CHECK (verdict IN ('符合', '不符合', '需人工核实')),
    screening      JSON NOT NULL,
    import_id      INTEGER NOT NULL
);

-- The decisions after the screening, in order: 单位推荐, then 委审核确认 or 不予确认.
-- studio_id: for 委审核确认, the studio it became (stage 创建管理, written by the same import).
CREATE TABLE application_decisions (
    decision_id    INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL,
    decision       VARCHAR NOT NULL CHECK (decision IN ('单位推荐', '委审核确认', '不予确认')),
    decided_by     VARCHAR,
    decided_at     TIMESTAMP NOT NULL,
    note           VARCHAR,
    studio_id      INTEGER,
    import_id      INTEGER NOT NULL
);

-- The audit log (schema version 3): who did what, when, from where. Append-only: code never
-- updates or deletes its rows (DuckDB has no trigger to forbid it), and labstudio.audit is the
-- one module that inserts them. action: sign_in | sign_in_failed | sign_out | import | dry_run |
-- rollback | export | backup | restore | demo | … (labstudio.audit.ACTIONS); details: a JSON
-- object (files with sha256, import id, filters of an export, outcome).
CREATE SEQUENCE audit_id_seq START 1;
CREATE TABLE audit_log (
    entry_id    BIGINT PRIMARY KEY,
    happened_at TIMESTAMP NOT NULL,
    user_name   VARCHAR,           -- the analyst, the OS user for the CLI; NULL for a viewer
    action      VARCHAR NOT NULL,
    client      VARCHAR,           -- the browser's address when known, cli:HOST for the CLI
    details     JSON NOT NULL
);
