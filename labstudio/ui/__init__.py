"""The Streamlit layer: the only part of labstudio that imports streamlit."""
