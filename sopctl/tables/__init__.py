"""CSV table contracts and their vectorised validation."""
