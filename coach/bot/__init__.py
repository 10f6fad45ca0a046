"""python-telegram-bot: the Application, handlers, keyboards and rendering."""
