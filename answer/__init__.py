"""From passages to a shown answer: the LLM drafts, code verifies every citation and decides when to refuse."""
