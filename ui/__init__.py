"""The browser app's panels: one module per tab, each a `build(ctx)` plus plain handler functions."""
