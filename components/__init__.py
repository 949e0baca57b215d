"""Streamlit-side helpers: the page registry, cached loaders and shared layout."""
