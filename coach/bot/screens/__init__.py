"""Every Screen and keyboard the bot shows: one module per handler module, plus widgets."""
