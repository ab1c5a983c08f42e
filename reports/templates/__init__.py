"""HTML templates of the llmfinops reports, shipped as package data."""
