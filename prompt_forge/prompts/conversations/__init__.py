"""Conversations: a user's history as trees of turns (a turn is a prompt with a conversation and a parent)."""
