"""Pure logic. Imports neither telegram nor sqlalchemy, and reads no clock."""
