"""SQL files of llmfinops, shipped as package data (loaded by llmfinops.sqlfiles)."""
