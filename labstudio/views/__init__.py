"""Per-page data: SQL → DataFrames → panels (title, completeness note, figure, table).

One module per page; each has `page(cur, filters, lang) -> PageView`, which the Streamlit page
draws and the tests compare with `queries.summary`.
"""
