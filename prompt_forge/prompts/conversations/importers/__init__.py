"""Readers of other products' chat exports (ChatGPT, Open WebUI) into conversations to store."""
